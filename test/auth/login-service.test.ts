// LoginService against a real redis-server and real argon2: one answer for every credential problem,
// atomic lockout under a burst, single login under 50 parallel logins, password change rules.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { createRedis, connectRedis } from '../../src/store/redis.js';
import { keys } from '../../src/store/keys.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { UserStore } from '../../src/users/user-store.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { SessionStore } from '../../src/session/session-store.js';
import { LoginService } from '../../src/auth/login-service.js';

const server = await startRedis();
const raw = server.client();
await raw.hset(keys.operators, 'OP1', '{}', 'OP2', '{}');
const CERT = { field: 'issuer1:0A1B', operatorId: 'OP1' };
const OTHER_OPERATOR_CERT = { field: 'issuer1:0C0D', operatorId: 'OP2' };
const PASSWORD = 'Abcdef12!x';

/** A service with its own connection, hasher and metrics (threshold / single-login per test). */
async function service(env: Record<string, string> = {}) {
  // Bursts below use one certificate: its own failure limit is tested separately (high here).
  const config = loadConfig({ CERTGATE_SECRET: 's'.repeat(32), REDIS_URL: server.url, CERTGATE_LOGIN_QUEUE: '1000', CERTGATE_CERT_FAILURE_LIMIT: '100000', ...env });
  const redis = createRedis(server.url);
  await connectRedis(redis);
  const audit = new AuditLog(redis);
  const hasher = PasswordHasher.fromConfig(config);
  const users = new UserStore(redis, audit, hasher);
  const sessions = new SessionStore(redis, config.session);
  const metrics = createMetrics({ defaultMetrics: false });
  const login = new LoginService({ redis, users, sessions, hasher, audit, metrics, logger: createLogger({ level: 'silent' }), config });
  t.teardown(() => redis.disconnect());
  /** A user with PASSWORD as the current (already changed) password. */
  const user = async (userId: string, operatorId = 'OP1') => {
    await users.remove(userId);
    await users.create({ userId, operatorId });
    const hash = await hasher.hash(PASSWORD);
    await raw.hset(keys.user(userId), 'hash', hash, 'history', JSON.stringify([hash]), 'mustChange', '0');
  };
  const reasons = async (userId: string) =>
    (await audit.list({ count: 1000 })).filter((e) => e.action === 'login.failure' && e.actor === userId).map((e) => e.detail.reason);
  const metric = async (outcome: string) => (await metrics.logins.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { config, users, sessions, hasher, login, audit, metrics, user, reasons, metric };
}

t.teardown(() => server.stop());

t.test('unknown user, wrong password, other operator: one answer, true reason audited', async (t) => {
  const s = await service();
  await s.user('alice');
  const verificationsBefore = s.hasher.stats.verifications;
  t.same(await s.login.login({ userId: 'nobody', password: PASSWORD, cert: CERT }), { status: 'invalid-credentials' });
  t.same(await s.login.login({ userId: 'alice', password: 'Wrong123!', cert: CERT }), { status: 'invalid-credentials' });
  t.same(await s.login.login({ userId: 'alice', password: PASSWORD, cert: OTHER_OPERATOR_CERT }), { status: 'invalid-credentials' });
  t.same(await s.login.login({ userId: '{bad id}', password: PASSWORD, cert: CERT }), { status: 'invalid-credentials' });
  t.equal(s.hasher.stats.verifications - verificationsBefore, 4, 'every answer cost one argon2 verification (dummy for unknown users)');
  t.same(await s.reasons('alice'), ['wrong-password', 'operator-mismatch']);
  t.same(await s.reasons('nobody'), ['unknown-user']);
  const text = JSON.stringify(await s.audit.list({ count: 1000 }));
  t.notOk(text.includes(PASSWORD) || text.includes('Wrong123!'), 'no password in the audit log');
  t.equal(await s.metric('invalid-credentials'), 4);
});

t.test('success creates the session and resets the counter; forced change flag carried', async (t) => {
  const s = await service();
  await s.user('bob');
  await s.login.login({ userId: 'bob', password: 'nope', cert: CERT });
  t.equal(await raw.hget(keys.user('bob'), 'failures'), '1');
  const ok = await s.login.login({ userId: 'bob', password: PASSWORD, cert: CERT });
  t.match(ok, { status: 'ok', userId: 'bob', mustChange: false, replaced: false });
  t.equal(await raw.hget(keys.user('bob'), 'failures'), '0');
  const session = await raw.hgetall(keys.session('bob'));
  t.match(session, { cert: CERT.field, operator: 'OP1', roles: 'operator-staff', mustChange: '0' });
  t.equal(session.sid, ok.status === 'ok' ? ok.sid : '');
  t.ok(session.sid!.length >= 22, '128+ random bits');
  const again = await s.login.login({ userId: 'bob', password: PASSWORD, cert: CERT });
  t.not(again.status === 'ok' && again.sid, ok.status === 'ok' && ok.sid, 'new id at every login');

  const { temporaryPassword } = await s.users.resetPassword('bob');
  t.match(await s.login.login({ userId: 'bob', password: temporaryPassword, cert: CERT }), { status: 'ok', mustChange: true });
  t.equal(await raw.hget(keys.session('bob'), 'mustChange'), '1');
  t.equal(await s.metric('must-change'), 1);
});

t.test('lockout: threshold failures lock; a correct password then still gets account-locked', async (t) => {
  const s = await service({ CERTGATE_LOCKOUT_THRESHOLD: '3' });
  await s.user('carol');
  t.same(await s.login.login({ userId: 'carol', password: 'x1', cert: CERT }), { status: 'invalid-credentials' });
  t.same(await s.login.login({ userId: 'carol', password: 'x2', cert: CERT }), { status: 'invalid-credentials' });
  t.same(await s.login.login({ userId: 'carol', password: 'x3', cert: CERT }), { status: 'account-locked' }, 'the locking attempt says so');
  t.match(await s.users.require('carol'), { locked: true, failures: 3, lockedReason: 'too-many-failures' });
  const before = s.hasher.stats.verifications;
  t.same(await s.login.login({ userId: 'carol', password: PASSWORD, cert: CERT }), { status: 'account-locked' });
  t.equal(s.hasher.stats.verifications, before, 'a locked account costs no argon2');
  t.equal(await raw.exists(keys.session('carol')), 0);
  t.equal((await s.metrics.lockouts.get()).values[0]?.value, 1);
  t.ok((await s.audit.list({ count: 1000 })).some((e) => e.action === 'user.locked' && e.target === 'carol'));
  await s.users.unlock('carol');
  t.match(await s.login.login({ userId: 'carol', password: PASSWORD, cert: CERT }), { status: 'ok' });
});

t.test('100 parallel wrong passwords: counter exactly the threshold, at most that many argon2 checks', async (t) => {
  const s = await service({ CERTGATE_LOCKOUT_THRESHOLD: '5' });
  await s.user('dave');
  const before = s.hasher.stats.verifications;
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => s.login.login({ userId: 'dave', password: `Wrong${i}!`, cert: CERT })),
  );
  const user = await s.users.require('dave');
  t.equal(user.failures, 5);
  t.equal(user.locked, true);
  t.ok(s.hasher.stats.verifications - before <= 5, `argon2 checks: ${s.hasher.stats.verifications - before}`);
  t.equal(results.filter((r) => r.status === 'invalid-credentials').length, 4);
  t.equal(results.filter((r) => r.status === 'account-locked').length, 96);
  t.equal(await raw.zcard(keys.attempts('dave')), 0, 'no attempt token left behind');
});

t.test('50 parallel correct logins, replace: exactly one live session, the last one', async (t) => {
  const s = await service({ CERTGATE_SINGLE_LOGIN: 'replace' });
  await s.user('erin');
  const results = await Promise.all(Array.from({ length: 50 }, () => s.login.login({ userId: 'erin', password: PASSWORD, cert: CERT })));
  t.equal(results.filter((r) => r.status === 'ok').length, 50);
  const live = await Promise.all(
    results.map(async (r) => (r.status === 'ok' ? (await s.sessions.touch('erin', r.sid, CERT.field)).status : 'none')),
  );
  t.equal(live.filter((x) => x === 'ok').length, 1, 'exactly one live session');
  t.equal(live.filter((x) => x === 'replaced').length, 49, 'every other terminal sees multiple-login');
});

t.test('50 parallel correct logins, reject: one success, the rest multiple-login', async (t) => {
  const s = await service({ CERTGATE_SINGLE_LOGIN: 'reject' });
  await s.user('frank');
  const results = await Promise.all(Array.from({ length: 50 }, () => s.login.login({ userId: 'frank', password: PASSWORD, cert: CERT })));
  t.equal(results.filter((r) => r.status === 'ok').length, 1);
  t.equal(results.filter((r) => r.status === 'multiple-login').length, 49);
  t.equal(await s.metric('multiple-login'), 49);
  // Once the first session ends, a new login is accepted again.
  const first = results.find((r) => r.status === 'ok');
  await s.sessions.end('frank', first?.status === 'ok' ? first.sid : '');
  t.match(await s.login.login({ userId: 'frank', password: PASSWORD, cert: CERT }), { status: 'ok' });
});

t.test('password change: every data-error code, reuse of the last 4, success ends the session', async (t) => {
  const s = await service({ CERTGATE_LOCKOUT_THRESHOLD: '5' });
  const G = 'Gina.Tanaka1';
  await s.user(G);
  const ok = await s.login.login({ userId: G, password: PASSWORD, cert: CERT });
  const sid = ok.status === 'ok' ? ok.sid : '';
  const change = (currentPassword: string, newPassword: string, confirmPassword = newPassword) =>
    s.login.changePassword({ userId: G, sid, currentPassword, newPassword, confirmPassword, keepSession: false, cert: CERT });
  t.same(await change(PASSWORD, 'Ab1!'), { status: 'invalid', error: 'length' });
  t.same(await change(PASSWORD, 'Ａbcdefg1!'), { status: 'invalid', error: 'charset' });
  t.same(await change(PASSWORD, 'abcdefgh1'), { status: 'invalid', error: 'classes' });
  t.same(await change(PASSWORD, 'gina.tanaka1'), { status: 'invalid', error: 'same-as-user-id' });
  t.same(await change(PASSWORD, 'Newpass1!', 'Newpass2!'), { status: 'invalid', error: 'mismatch' });
  t.same(await change('Wrong999!', 'Newpass1!'), { status: 'invalid', error: 'wrong-current' });
  t.equal(await raw.hget(keys.user(G), 'failures'), '1', 'a wrong current password counts like a login failure');
  t.same(await change(PASSWORD, PASSWORD), { status: 'invalid', error: 'reused' }, 'the current password is one of the last 4');
  t.equal(await raw.exists(keys.session(G)), 1, 'refusals keep the session');
  t.same(await change(PASSWORD, 'Second2!x'), { status: 'ok' });
  t.equal(await raw.exists(keys.session(G)), 0, 'the session ends; the user logs in again');
  t.match(await s.users.require(G), { mustChange: false, failures: 0 });
  t.same(await s.login.login({ userId: G, password: PASSWORD, cert: CERT }), { status: 'invalid-credentials' });

  // History: the last 4 passwords include the current one; a fifth change frees the oldest.
  let current = 'Second2!x';
  const relogin = async () => {
    const r = await s.login.login({ userId: G, password: current, cert: CERT });
    return r.status === 'ok' ? r.sid : '';
  };
  const changeTo = async (next: string) => {
    const id = await relogin();
    const r = await s.login.changePassword({ userId: G, sid: id, currentPassword: current, newPassword: next, confirmPassword: next, keepSession: false, cert: CERT });
    if (r.status === 'ok') current = next;
    return r;
  };
  t.same(await changeTo(PASSWORD), { status: 'invalid', error: 'reused' }, 'two back');
  t.same(await changeTo('Third3!x'), { status: 'ok' });
  t.same(await changeTo('Fourth4!x'), { status: 'ok' });
  t.same(await changeTo(PASSWORD), { status: 'invalid', error: 'reused' }, 'four back, counting the current one');
  t.same(await changeTo('Fifth5!x'), { status: 'ok' });
  t.same(await changeTo(PASSWORD), { status: 'ok' }, 'five back is allowed');
  t.notOk(JSON.stringify(await s.audit.list({ count: 1000 })).match(/Second2|Third3|Fourth4|Fifth5|Abcdef12/), 'no password in the audit log');
});

t.test('wrong current password up to the threshold locks and ends the session', async (t) => {
  const s = await service({ CERTGATE_LOCKOUT_THRESHOLD: '2' });
  await s.user('hana');
  const ok = await s.login.login({ userId: 'hana', password: PASSWORD, cert: CERT });
  const sid = ok.status === 'ok' ? ok.sid : '';
  const attempt = () =>
    s.login.changePassword({ userId: 'hana', sid, currentPassword: 'Wrong1!xx', newPassword: 'Newpass1!', confirmPassword: 'Newpass1!', keepSession: false, cert: CERT });
  t.same(await attempt(), { status: 'invalid', error: 'wrong-current' });
  t.same(await attempt(), { status: 'locked' });
  t.equal(await raw.exists(keys.session('hana')), 0);
});

t.test('overload at the hasher frees the attempt slot', async (t) => {
  const s = await service({ CERTGATE_LOGIN_CONCURRENCY: '1', CERTGATE_LOGIN_QUEUE: '0', CERTGATE_LOCKOUT_THRESHOLD: '100' });
  await s.user('ivan');
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => s.login.login({ userId: 'ivan', password: 'Wrong1!xx', cert: CERT })));
  const overloaded = results.filter((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'OVERLOADED');
  t.ok(overloaded.length >= 1, 'some attempts were refused with 503');
  t.equal(await raw.zcard(keys.attempts('ivan')), 0, 'their slots were released');
  t.equal(Number(await raw.hget(keys.user('ivan'), 'failures')), 5 - overloaded.length, 'refused attempts were not counted');
  t.equal(await s.metric('overloaded'), overloaded.length);
});

t.test('another operator cannot lock a user out, nor learn that the account is locked', async (t) => {
  const s = await service({ CERTGATE_LOCKOUT_THRESHOLD: '3' });
  await s.user('mallory-target');
  for (let i = 0; i < 5; i++) {
    t.same(await s.login.login({ userId: 'mallory-target', password: i % 2 ? PASSWORD : 'Wrong123!', cert: OTHER_OPERATOR_CERT }), { status: 'invalid-credentials' });
  }
  t.equal(await raw.hget(keys.user('mallory-target'), 'failures'), '0', 'nothing counted against the user');
  t.equal(await raw.hget(keys.user('mallory-target'), 'locked'), '0');
  t.same(await s.reasons('mallory-target'), ['operator-mismatch', 'operator-mismatch', 'operator-mismatch', 'operator-mismatch', 'operator-mismatch']);
  t.equal((await s.login.login({ userId: 'mallory-target', password: PASSWORD, cert: CERT })).status, 'ok', 'the user still logs in with their own certificate');
  await raw.hset(keys.user('mallory-target'), 'locked', '1');
  const before = s.hasher.stats.verifications;
  t.same(await s.login.login({ userId: 'mallory-target', password: PASSWORD, cert: OTHER_OPERATOR_CERT }), { status: 'invalid-credentials' }, 'a locked account looks unknown to another operator');
  t.equal(s.hasher.stats.verifications - before, 1, 'still one (dummy) verification');
});

t.test('failures per certificate: past the limit 429 for the cooling-off period, no argon2 work', async (t) => {
  const s = await service({ CERTGATE_CERT_FAILURE_LIMIT: '3', CERTGATE_CERT_COOLDOWN: '10m' });
  await s.user('kumi');
  const cert = { field: 'issuer1:CE27', operatorId: 'OP1' };
  await raw.del(keys.certLoginFailures(cert.field));
  t.equal((await s.login.login({ userId: 'kumi', password: PASSWORD, cert })).status, 'ok', 'a success does not count');
  for (const userId of ['nobody1', 'kumi', 'nobody2']) {
    t.same(await s.login.login({ userId, password: 'Wrong123!', cert }), { status: 'invalid-credentials' });
  }
  const before = s.hasher.stats.verifications;
  const refused = await s.login.login({ userId: 'kumi', password: PASSWORD, cert });
  t.equal(refused.status, 'too-many-attempts', 'even the right password waits');
  t.ok(refused.status === 'too-many-attempts' && refused.retryAfterSeconds > 500 && refused.retryAfterSeconds <= 600, 'Retry-After is the rest of the cooling-off period');
  t.equal(s.hasher.stats.verifications, before, 'no argon2 for a refused certificate');
  t.equal((await s.login.login({ userId: 'kumi', password: PASSWORD, cert: { field: 'issuer1:0FFE', operatorId: 'OP1' } })).status, 'ok', 'other certificates are not affected');
  const audited = (await s.audit.list({ count: 1000 })).filter((e) => e.action === 'login.refused' && e.detail.reason === 'cert-too-many-attempts');
  t.equal(audited.length, 1, 'the refusal is audited with its true reason');
  t.equal(await raw.pttl(keys.certLoginFailures(cert.field)) > 0, true, 'the counter expires by itself');
  t.match(keys.certLoginFailures(cert.field), /^cg:\{c:issuer1:CE27\}:/, 'per-certificate hash tag');
  // The cooling-off period ends: the key expires (simulated by removing it, as Redis would).
  await raw.del(keys.certLoginFailures(cert.field));
  t.equal((await s.login.login({ userId: 'kumi', password: PASSWORD, cert })).status, 'ok');
});

t.test('a burst from one certificate never runs more checks than its limit', async (t) => {
  const s = await service({ CERTGATE_CERT_FAILURE_LIMIT: '5' });
  const cert = { field: 'issuer1:B0B0', operatorId: 'OP1' };
  const before = s.hasher.stats.verifications;
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => s.login.login({ userId: `ghost${i}`, password: 'Wrong123!', cert })));
  t.equal(results.filter((r) => r.status === 'too-many-attempts').length, 25);
  t.equal(s.hasher.stats.verifications - before, 5);
});
