// The lock rule's Lua fragment (src/users/lock-rule.ts) against a real redis-server: counting failures
// to the threshold, locking, the lowered-threshold case, unlocking, and that the fields it writes are
// the ones user-record.ts decodes.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { keys } from '../../src/store/keys.js';
import { LOCK_FIELDS, LOCK_RULE } from '../../src/users/lock-rule.js';
import { decodeUser } from '../../src/users/user-record.js';

const server = await startRedis();
const redis = server.client();
t.teardown(() => server.stop());

const U = keys.user('alice');
const run = (body: string, ...args: (string | number)[]) => redis.eval(`${LOCK_RULE}\n${body}`, 1, U, ...args.map(String));
const fail = (now: number, threshold: number) => run('local v, f = lock_count_failure(KEYS[1], ARGV[1], tonumber(ARGV[2]))\nreturn {v, f}', now, threshold);

t.beforeEach(async () => {
  await redis.del(U);
  await redis.hset(U, { hash: 'h', operator: 'OP1', [LOCK_FIELDS.locked]: '0', [LOCK_FIELDS.failures]: '0' });
});

t.test('failures count up to the threshold, which locks; a locked account stays locked', async (t) => {
  t.same(await fail(1000, 3), ['counted', 1]);
  t.same(await fail(2000, 3), ['counted', 2]);
  t.same(await fail(3000, 3), ['locked-now', 3]);
  t.same(await fail(4000, 3), ['locked', 4], 'still counted, already locked');
  const user = decodeUser('alice', await redis.hgetall(U));
  t.match(user, { locked: true, lockedAt: 3000, lockedReason: 'too-many-failures', failures: 4 }, 'what the administrator sees');
  t.equal(await run("return lock_is_locked(KEYS[1]) and 1 or 0"), 1);
});

t.test('an account already past a lowered threshold is locked at its next attempt', async (t) => {
  await redis.hset(U, LOCK_FIELDS.failures, '4');
  t.equal(await run("return lock_over_threshold(KEYS[1], ARGV[1], 5) and 1 or 0", 1000), 0, 'below 5: not locked');
  t.equal(await run("return lock_over_threshold(KEYS[1], ARGV[1], 3) and 1 or 0", 2000), 1, 'past 3: locked');
  t.match(decodeUser('alice', await redis.hgetall(U)), { locked: true, lockedAt: 2000, lockedReason: 'too-many-failures' });
});

t.test('unlock clears the lock and the count and says whether it was locked; a reset keeps the lock', async (t) => {
  await run("lock_user(KEYS[1], ARGV[1], 'admin')", 5000);
  await redis.hset(U, LOCK_FIELDS.failures, '2');
  await run('lock_reset_failures(KEYS[1])');
  t.match(decodeUser('alice', await redis.hgetall(U)), { locked: true, failures: 0, lockedReason: 'admin' }, 'a success resets the count only');
  t.equal(await run('return lock_unlock(KEYS[1]) and 1 or 0'), 1, 'was locked');
  const h = await redis.hgetall(U);
  t.notOk(LOCK_FIELDS.lockedAt in h || LOCK_FIELDS.lockedReason in h, 'lock time and reason removed');
  t.match(decodeUser('alice', h), { locked: false, failures: 0 });
  t.equal(await run('return lock_unlock(KEYS[1]) and 1 or 0'), 0, 'was not locked');
  t.equal(await run('return lock_failures(KEYS[1])'), 0);
});
