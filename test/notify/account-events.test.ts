// Account notices from real events (LoginService lockout and login, UserStore password reset),
// delivered over STARTTLS with SMTP AUTH and over implicit TLS (smtps://): the administrators hear
// about a lockout naming the user, the user hears about a reset without the password.
import t from 'tap';
import { freePort, startRedis } from '../helpers/redis-server.js';
import { startSmtpReceiver } from '../helpers/smtp-receiver.js';
import { testPki } from '../helpers/pki.js';
import { createRedis, connectRedis } from '../../src/store/redis.js';
import { keys } from '../../src/store/keys.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { Registry } from '../../src/registry/registry.js';
import { UserStore } from '../../src/users/user-store.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { SessionStore } from '../../src/session/session-store.js';
import { LoginService } from '../../src/auth/login-service.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { loadNotifyConfig } from '../../src/config/notify-schema.js';
import { Notifier } from '../../src/notify/service.js';

const pki = testPki();
const redisServer = await startRedis();
const smtp = await startSmtpReceiver({ tls: { key: pki.server.keyPem, cert: pki.server.certPem }, auth: { user: 'mailer', pass: 'p@ss word' } });
t.teardown(async () => {
  await smtp.close();
  await redisServer.stop();
});
const redis = createRedis(redisServer.url);
await connectRedis(redis);
t.teardown(() => redis.disconnect());
const audit = new AuditLog(redis);
const registry = new Registry(redis, audit);
const config = loadConfig({ CERTGATE_SECRET: 's'.repeat(32), REDIS_URL: redisServer.url, CERTGATE_LOCKOUT_THRESHOLD: '3' });
const hasher = PasswordHasher.fromConfig(config);
const users = new UserStore(redis, audit, hasher);
const sessions = new SessionStore(redis, config.session);
const login = new LoginService({ redis, users, sessions, hasher, audit, metrics: undefined, logger: createLogger({ level: 'silent' }), config });
const by = { actor: 'test', source: 'cli' as const };
const PASSWORD = 'Abcdef12!x';
const ISSUER = pki.ca.id;

await registry.operators.add('E1', '東京電力量販', by, ['ops@e1.example.jp']);
await users.create({ userId: 'boss', operatorId: 'E1', roles: ['operator-admin'], email: 'boss@e1.example.jp' }, by);
await users.create({ userId: 'boss2', operatorId: 'E1', roles: ['operator-admin'], email: 'boss2@e1.example.jp', lang: 'en' }, by);
await users.create({ userId: 'yamada', operatorId: 'E1', name: '山田 花子', email: 'yamada@e1.example.jp' }, by);
await users.create({ userId: 'smith', operatorId: 'E1', email: 'smith@e1.example.jp', lang: 'en' }, by);
const hash = await hasher.hash(PASSWORD);
await redis.hset(keys.user('yamada'), 'hash', hash, 'history', JSON.stringify([hash]), 'mustChange', '0');
await registry.add({ issuerId: ISSUER, serial: '0ABC', operatorId: 'E1', addedAt: 0, notAfter: Date.now() + 20 * 86_400_000, label: '山田 PC' }, { by });

const notifyConfig = (url: string) => loadNotifyConfig({ CERTGATE_SMTP_URL: url, CERTGATE_NOTIFY_FROM: 'certgate@portal.example.jp' });
const notifier = (url: string) => {
  const n = new Notifier({ redis, audit, registry, users, config: notifyConfig(url), smtpTls: { ca: pki.ca.certPem } });
  t.teardown(() => n.stop());
  return n;
};
const url = `smtp://mailer:${encodeURIComponent('p@ss word')}@127.0.0.1:${smtp.port}`;
const mailsTo = (addr: string) => smtp.mails.filter((m) => m.to.includes(addr));

t.test('the first pass only looks back one day: account creation mails go out, over STARTTLS with AUTH', async (t) => {
  const r = await notifier(url).runOnce({ release: true });
  t.ok(r.ran);
  const created = mailsTo('yamada@e1.example.jp');
  t.equal(created.length, 1);
  t.match(created[0]!.subject, /アカウントが作成されました/);
  t.match(created[0]!.text, /ユーザID: yamada/);
  t.match(mailsTo('smith@e1.example.jp')[0]!.subject, /Your account was created/);
  const reminders = smtp.mails.filter((m) => /有効期限|expiry/.test(m.subject)).map((m) => m.to[0]).sort();
  t.same(reminders, ['boss2@e1.example.jp', 'boss@e1.example.jp', 'ops@e1.example.jp'], 'the certificate\'s user is not known yet');
  t.ok(smtp.mails.every((m) => m.secure), 'STARTTLS was used');
  t.ok(smtp.mails.every((m) => m.user === 'mailer'), 'authenticated with the URL\'s credentials');
});

t.test('a lockout notifies the operator administrators, naming the user; a login teaches the certificate\'s user', async (t) => {
  const before = smtp.mails.length;
  const cert = { field: `${ISSUER}:0ABC`, operatorId: 'E1' };
  t.match(await login.login({ userId: 'yamada', password: PASSWORD, cert }), { status: 'ok' });
  for (let i = 0; i < 3; i++) await login.login({ userId: 'yamada', password: `wrong-${i}`, cert });
  t.match(await users.require('yamada'), { locked: true });
  await notifier(url).runOnce({ release: true });
  const fresh = smtp.mails.slice(before);
  const lock = fresh.filter((m) => /ロック|locked/.test(m.subject));
  t.same(lock.map((m) => m.to[0]).sort(), ['boss2@e1.example.jp', 'boss@e1.example.jp'], 'both administrators, nobody else');
  const ja = lock.find((m) => m.to[0] === 'boss@e1.example.jp')!;
  t.match(ja.subject, /アカウントがロックされました（ユーザID: yamada）/);
  t.match(ja.text, /ユーザID: yamada[\s\S]*氏名: 山田 花子/);
  t.match(ja.text, /certgate user unlock yamada/);
  t.match(lock.find((m) => m.to[0] === 'boss2@e1.example.jp')!.subject, /Account locked \(user ID: yamada\)/);
  // The login taught which user holds the certificate: its reminder now reaches them too (only them: the others had it).
  const reminder = fresh.filter((m) => /有効期限|expiry/.test(m.subject)).map((m) => m.to[0]);
  t.same(reminder, ['yamada@e1.example.jp']);
});

t.test('a password reset tells the user it happened, never the password', async (t) => {
  const before = smtp.mails.length;
  const { temporaryPassword } = await users.resetPassword('smith', by);
  const again = await users.resetPassword('yamada', by);
  await notifier(url).runOnce({ release: true });
  const fresh = smtp.mails.slice(before);
  const toSmith = fresh.filter((m) => m.to[0] === 'smith@e1.example.jp');
  t.equal(toSmith.length, 1);
  t.match(toSmith[0]!.subject, /A temporary password was issued/);
  t.notMatch(toSmith[0]!.text, temporaryPassword);
  const toYamada = fresh.filter((m) => m.to[0] === 'yamada@e1.example.jp');
  t.match(toYamada[0]!.subject, /仮パスワードが発行されました/);
  t.notOk(fresh.some((m) => m.text.includes(again.temporaryPassword) || m.text.includes(temporaryPassword)), 'no mail carries a password');
  await notifier(url).runOnce({ release: true });
  t.equal(smtp.mails.length, before + fresh.length, 'a second pass sends nothing again');
});

t.test('implicit TLS (smtps://) works as well', async (t) => {
  const tlsSmtp = await startSmtpReceiver({ secure: true, tls: { key: pki.server.keyPem, cert: pki.server.certPem } });
  t.teardown(() => tlsSmtp.close());
  await users.create({ userId: 'tanaka', operatorId: 'E1', email: 'tanaka@e1.example.jp' }, by);
  await notifier(`smtps://127.0.0.1:${tlsSmtp.port}`).runOnce({ release: true });
  t.equal(tlsSmtp.mails.length, 1);
  t.ok(tlsSmtp.mails[0]!.secure);
  t.match(tlsSmtp.mails[0]!.subject, /アカウントが作成されました/);
});

t.test('wrong SMTP credentials: the delivery fails, and the password appears nowhere', async (t) => {
  const secret = 'Sup3r-Secret-Pw';
  await users.create({ userId: 'kato', operatorId: 'E1', email: 'kato@e1.example.jp' }, by);
  const r = await notifier(`smtp://mailer:${secret}@127.0.0.1:${smtp.port}`).runOnce({ release: true });
  t.ok(r.ran && r.summary.failed >= 1);
  const failing = JSON.stringify(await redis.hgetall(keys.notifyFailing)) + JSON.stringify(await redis.xrange(keys.notifyLog, '-', '+'));
  t.match(failing, /EAUTH|Invalid username or password/);
  t.notMatch(failing, secret);
});

t.test('inside the gateway: start() sends at once and then every interval; stop() gives the lease back', async (t) => {
  const before = smtp.mails.length;
  await users.create({ userId: 'ito', operatorId: 'E1', email: 'ito@e1.example.jp' }, by);
  const n = notifier(url);
  n.start();
  n.start(); // idempotent
  await smtp.waitFor(before + 1);
  t.match(smtp.mails.at(-1), { to: ['ito@e1.example.jp'] });
  t.equal(await redis.get(keys.notifyLease), n.id, 'the running sender holds the lease');
  await n.stop();
  t.equal(await redis.get(keys.notifyLease), null, 'released on stop');
});

t.test('a failing event does not hold back the ones after it; it is retried after its backoff', async (t) => {
  const down = `smtp://127.0.0.1:${await freePort()}`;
  await users.create({ userId: 'sato', operatorId: 'E1', email: 'sato@e1.example.jp' }, by);
  const now = Date.now();
  const r1 = await notifier(down).runOnce({ now, release: true });
  t.ok(r1.ran && r1.summary.failed >= 1, 'sato\'s notice failed');
  const satoAdded = (await audit.list({ count: 100 })).filter((e) => e.action === 'user.add' && e.target === 'sato')[0]!;
  t.equal(await redis.hexists(keys.notifyPending, `evt:${satoAdded.id}`), 1, 'kept as pending');
  const before = smtp.mails.length;
  await users.create({ userId: 'suzuki', operatorId: 'E1', email: 'suzuki@e1.example.jp' }, by);
  await notifier(url).runOnce({ now: now + 1000, release: true });
  t.same(smtp.mails.slice(before).map((m) => m.to[0]), ['suzuki@e1.example.jp'], 'the later event went out; the failed one waits for its retry');
  await notifier(url).runOnce({ now: now + 5 * 60_000 + 1000, release: true });
  const mine = () => smtp.mails.slice(before).map((m) => m.to[0]).filter((to) => /sato|suzuki/.test(to ?? ''));
  t.same(mine(), ['suzuki@e1.example.jp', 'sato@e1.example.jp'], 'retried after 5 minutes');
  t.equal(await redis.hlen(keys.notifyPending), 0, 'nothing pending any more');
});
