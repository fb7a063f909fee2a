// Failover under load on a real sentinel topology (driver: test/failover/failover.ts).
import t from 'tap';
import { runFailover } from './failover.js';

t.test('sentinel: SIGKILL the primary under load', (t) => runFailover(t, 'sentinel'));
