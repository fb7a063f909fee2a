// Failover under load on a real sentinel topology (driver: test/helpers/failover.ts).
import t from 'tap';
import { runFailover } from '../helpers/failover.js';

t.test('sentinel: SIGKILL the primary under load', (t) => runFailover(t, 'sentinel'));
