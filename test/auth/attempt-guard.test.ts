// The attempt slots behind the lockout rule: a crashed attempt cannot leak its slot, and a flood of
// waiting attempts is refused (503) instead of polling Redis without bound.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { createRedis, connectRedis } from '../../src/store/redis.js';
import { keys } from '../../src/store/keys.js';
import { AttemptGuard } from '../../src/auth/attempt-guard.js';

const server = await startRedis();
const raw = server.client();
const redis = createRedis(server.url);
await connectRedis(redis);
t.teardown(async () => {
  redis.disconnect();
  await server.stop();
});
await raw.hset(keys.user('alice'), { operator: 'OP1', hash: '$argon2id$x', failures: '0', locked: '0', mustChange: '0', history: '[]' });

t.test('unknown and locked users', async (t) => {
  const guard = new AttemptGuard(redis, { threshold: 3 });
  t.same(await guard.reserve('nobody'), { status: 'unknown' });
  await raw.hset(keys.user('alice'), 'locked', '1');
  t.same(await guard.reserve('alice'), { status: 'locked' });
  await raw.hset(keys.user('alice'), 'locked', '0');
});

t.test('a token that is never released expires', async (t) => {
  // Time is injected: the guard runs at t0, then just before and at the token's expiry.
  const guard = new AttemptGuard(redis, { threshold: 1, tokenTtlMs: 30_000, busyWaitMs: 100 });
  const t0 = Date.now();
  const first = await guard.reserve('alice', '', t0);
  t.equal(first.status, 'ok');
  // The holder "crashes": no release, no verdict. Until its token expires the slot stays taken...
  await t.rejects(guard.reserve('alice', '', t0 + 29_999), { code: 'OVERLOADED' }, 'still held 1 ms before the token expires');
  // ...then the next attempt gets it at once.
  const second = await guard.reserve('alice', '', t0 + 30_000);
  t.equal(second.status, 'ok', 'the expired token freed the slot');
  if (second.status === 'ok') await guard.release('alice', second.token);
  t.equal(await raw.zcard(keys.attempts('alice')), 0);
});

t.test('waiting attempts are bounded; the waiter gets the slot once it is released', async (t) => {
  const guard = new AttemptGuard(redis, { threshold: 1, maxWaiters: 1, busyWaitMs: 60_000 });
  const held = await guard.reserve('alice');
  if (held.status !== 'ok') throw new Error('expected a slot');
  const waiter = guard.reserve('alice');
  // Once the first waiter is waiting (an event; the ceiling is generous), a second one is refused.
  await until(() => guard.waiting === 1, 60_000);
  t.equal(guard.waiting, 1, 'one attempt is waiting for the slot');
  await t.rejects(guard.reserve('alice'), { code: 'OVERLOADED' }, 'a second waiter is refused at once');
  await guard.release('alice', held.token);
  const got = await waiter;
  t.equal(got.status, 'ok');
  if (got.status === 'ok') await guard.release('alice', got.token);
  t.equal(guard.waiting, 0);
});

t.test('a slot that never frees ends in OVERLOADED after the wait', async (t) => {
  const guard = new AttemptGuard(redis, { threshold: 1, busyWaitMs: 150 });
  const held = await guard.reserve('alice');
  await t.rejects(guard.reserve('alice'), { code: 'OVERLOADED' });
  if (held.status === 'ok') await guard.release('alice', held.token);
});

t.test('failures count and lock at the threshold; the locking failure ends the session', async (t) => {
  const guard = new AttemptGuard(redis, { threshold: 2 });
  await raw.hset(keys.session('alice'), 'sid', 'x');
  const a = await guard.reserve('alice');
  t.same(a.status === 'ok' && (await guard.fail('alice', a.token)), { status: 'counted', failures: 1 });
  t.equal(await raw.exists(keys.session('alice')), 1);
  const b = await guard.reserve('alice');
  t.same(b.status === 'ok' && (await guard.fail('alice', b.token)), { status: 'locked-now', failures: 2 });
  t.equal(await raw.exists(keys.session('alice')), 0);
  t.same(await guard.reserve('alice'), { status: 'locked' });
  // A lowered threshold locks an account already past it on its next attempt.
  await raw.hset(keys.user('alice'), { locked: '0', failures: '4' });
  t.same(await new AttemptGuard(redis, { threshold: 3 }).reserve('alice'), { status: 'locked' });
});

async function until(cond: () => boolean, ceilingMs: number): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setImmediate(r));
}
