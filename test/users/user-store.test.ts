// UserStore against a real redis-server: create (temporary password, must change), read without
// secrets, list, lock/unlock, reset, remove — and the audit trail of each change.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { createRedis, connectRedis } from '../../src/store/redis.js';
import { keys } from '../../src/store/keys.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { UserStore } from '../../src/users/user-store.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { checkPasswordRules } from '../../src/users/password-policy.js';

const server = await startRedis();
const redis = createRedis(server.url);
await connectRedis(redis);
const raw = server.client();
const audit = new AuditLog(redis);
const hasher = new PasswordHasher();
const users = new UserStore(redis, audit, hasher);
const by = { actor: 'tester', source: 'cli' as const };
await raw.hset(keys.operators, 'OP1', JSON.stringify({ name: 'Operator one', createdAt: 0 }), 'OP2', JSON.stringify({ name: 'Two', createdAt: 0 }));

t.teardown(async () => {
  redis.disconnect();
  await server.stop();
});

t.test('create: temporary password meeting the policy, must change, default role', async (t) => {
  const { user, temporaryPassword } = await users.create({ userId: 'alice', operatorId: 'OP1', name: '事業者 太郎' }, by);
  t.equal(checkPasswordRules(temporaryPassword, 'alice'), undefined);
  t.match(user, { userId: 'alice', operatorId: 'OP1', name: '事業者 太郎', roles: ['operator-staff'], mustChange: true, failures: 0, locked: false });
  t.notOk('hash' in user, 'the public record never carries the hash');
  const stored = await raw.hgetall(keys.user('alice'));
  t.match(stored.hash, /^\$argon2id\$/);
  t.equal(await hasher.verify(stored.hash!, temporaryPassword), true);
  t.same(JSON.parse(stored.history!), [stored.hash], 'history starts with the temporary password');
  t.same((await users.list()).map((u) => u.userId), ['alice'], 'listed (found by scanning, no index to keep)');
  const [entry] = (await audit.list()).filter((e) => e.action === 'user.add');
  t.match(entry, { actor: 'tester', source: 'cli', target: 'alice', detail: { operator: 'OP1' } });
  t.notOk(JSON.stringify(await audit.list()).includes(temporaryPassword), 'the audit log never holds the password');
});

t.test('create refusals', async (t) => {
  await t.rejects(users.create({ userId: 'alice', operatorId: 'OP1' }), { code: 'CONFLICT' });
  await t.rejects(users.create({ userId: 'bob', operatorId: 'NOPE' }), { code: 'NOT_FOUND', message: /operator "NOPE" does not exist/ });
  await t.rejects(users.create({ userId: 'bob', operatorId: 'OP1', roles: ['root'] }), { code: 'USAGE', message: /unknown role "root"/ });
  for (const bad of ['{u:x}', '-bob', '', 'a'.repeat(65), 'bob smith', 'bob:1']) {
    await t.rejects(users.create({ userId: bad, operatorId: 'OP1' }), { code: 'USAGE' }, JSON.stringify(bad));
  }
  t.equal(await users.get('bob'), undefined);
});

t.test('roles, list by operator', async (t) => {
  await users.create({ userId: 'carol@example.jp', operatorId: 'OP2', roles: ['operator-admin', 'reviewer'] }, by);
  t.same((await users.require('carol@example.jp')).roles, ['operator-admin', 'reviewer']);
  t.same((await users.list()).map((u) => u.userId), ['alice', 'carol@example.jp']);
  t.same((await users.list({ operatorId: 'OP2' })).map((u) => u.userId), ['carol@example.jp']);
});

t.test('lock ends the session; unlock resets the counter', async (t) => {
  await raw.hset(keys.session('alice'), 'sid', 'x', 'cert', 'c');
  await raw.hset(keys.user('alice'), 'failures', '3');
  t.equal(await users.lock('alice', by), 'locked');
  t.equal(await raw.exists(keys.session('alice')), 0);
  t.match(await users.require('alice'), { locked: true, lockedReason: 'admin' });
  t.equal(await users.lock('alice', by), 'already-locked');
  t.equal(await users.unlock('alice', by), 'unlocked');
  t.match(await users.require('alice'), { locked: false, failures: 0 });
  t.equal(await users.unlock('alice', by), 'not-locked');
  await t.rejects(users.lock('nobody', by), { code: 'NOT_FOUND' });
  await t.rejects(users.unlock('nobody', by), { code: 'NOT_FOUND' });
  const actions = (await audit.list()).map((e) => e.action);
  t.ok(actions.includes('user.lock') && actions.includes('user.unlock'));
});

t.test('reset-password: new temporary password, history kept to 4, session ended', async (t) => {
  await raw.hset(keys.session('alice'), 'sid', 'x', 'cert', 'c');
  let last = '';
  for (let i = 0; i < 5; i++) last = (await users.resetPassword('alice', by)).temporaryPassword;
  const stored = await raw.hgetall(keys.user('alice'));
  t.equal(JSON.parse(stored.history!).length, 4);
  t.equal(JSON.parse(stored.history!)[0], stored.hash);
  t.equal(await hasher.verify(stored.hash!, last), true);
  t.equal(stored.mustChange, '1');
  t.equal(await raw.exists(keys.session('alice')), 0);
  await t.rejects(users.resetPassword('nobody', by), { code: 'NOT_FOUND' });
});

t.test('remove deletes record, session and attempts, and the user leaves the list', async (t) => {
  await raw.hset(keys.session('carol@example.jp'), 'sid', 'x');
  await raw.zadd(keys.attempts('carol@example.jp'), Date.now() + 10_000, 'tok');
  t.equal(await users.remove('carol@example.jp', by), true);
  t.equal(await raw.exists(keys.user('carol@example.jp'), keys.session('carol@example.jp'), keys.attempts('carol@example.jp')), 0);
  t.notOk((await users.list()).some((u) => u.userId === 'carol@example.jp'));
  t.equal(await users.remove('carol@example.jp', by), false);
});

t.test('store outage is an error, never "no such user"', async (t) => {
  const dead = createRedis('redis://127.0.0.1:1', { commandTimeoutMs: 200 });
  dead.on('error', () => undefined);
  const offline = new UserStore(dead);
  await t.rejects(offline.get('alice'), { code: 'STORE_UNAVAILABLE' });
  dead.disconnect();
});
