// Failover under load on a real cluster topology (driver: test/helpers/failover.ts).
import t from 'tap';
import { runFailover } from '../helpers/failover.js';

t.test('cluster: SIGKILL the primary under load', (t) => runFailover(t, 'cluster'));
