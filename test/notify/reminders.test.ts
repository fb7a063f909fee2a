// Expiry reminders end to end against a real redis-server and a real SMTP server on loopback:
// who gets which mail (ja/en), grouping per recipient and day, the step reached as time advances
// (injected `now`), once only across passes and racing senders, retry with backoff, webhook.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { startSmtpReceiver } from '../helpers/smtp-receiver.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { createRedis, connectRedis } from '../../src/store/redis.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { Registry } from '../../src/registry/registry.js';
import { UserStore } from '../../src/users/user-store.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { loadNotifyConfig } from '../../src/config/notify-schema.js';
import { Notifier } from '../../src/notify/service.js';
import { notifyStatus } from '../../src/notify/status.js';
import { preview } from '../../src/notify/preview.js';
import { Runner } from '../../src/notify/runner.js';
import { smtpChannel, webhookChannel } from '../../src/notify/channels.js';

const redisServer = await startRedis();
const smtp = await startSmtpReceiver();
const hookSecret = 'hook-secret-0123456789abcdef';
const hooks = await startWebhookReceiver(hookSecret);
t.teardown(async () => {
  await smtp.close();
  await hooks.close();
  await redisServer.stop();
});

const redis = createRedis(redisServer.url);
await connectRedis(redis);
t.teardown(() => redis.disconnect());
const audit = new AuditLog(redis);
const registry = new Registry(redis, audit);
const users = new UserStore(redis, audit, new PasswordHasher());
const by = { actor: 'test', source: 'cli' as const };

const DAY = 86_400_000;
// 2027-01-10 09:00 JST.
const T0 = Date.parse('2027-01-10T00:00:00Z');
/** 23:59:59 JST on a calendar day. */
const endOfDayJst = (day: string) => Date.parse(`${day}T14:59:59Z`);
const ISSUER = 'ISSUER1';

await registry.operators.add('E1', '東京電力量販', by, ['ops@e1.example.jp']);
await registry.operators.add('E2', 'Other Power', by, []);
await users.create({ userId: 'admin1', operatorId: 'E1', roles: ['operator-admin'], email: 'Admin@E1.example.jp', lang: 'en' }, by);
await users.create({ userId: 'staff1', operatorId: 'E1', email: 'staff1@e1.example.jp' }, by);
await users.create({ userId: 'nomail', operatorId: 'E1', roles: ['operator-admin'] }, by);
const reg = (serial: string, notAfter: number | undefined, label?: string, operatorId = 'E1') =>
  registry.add({ issuerId: ISSUER, serial, operatorId, addedAt: T0 - 400 * DAY, ...(notAfter !== undefined ? { notAfter } : {}), ...(label ? { label } : {}) }, { by });
await reg('0A1B', endOfDayJst('2027-02-09'), '経理部 PC'); // 30 days left
await reg('0C0D', endOfDayJst('2027-04-10'), '営業部'); // 90 days left
await reg('0E0F', endOfDayJst('2027-01-05')); // expired 5 days ago
await reg('1111', undefined); // no expiry known: never reminded
await reg('2222', endOfDayJst('2027-08-01')); // far away
await reg('3333', endOfDayJst('2027-01-20'), undefined, 'E2'); // E2 has no contacts

const metrics = createMetrics({ defaultMetrics: false });
const notifyConfig = loadNotifyConfig({
  CERTGATE_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
  CERTGATE_NOTIFY_FROM: 'certgate@portal.example.jp',
  CERTGATE_NOTIFY_WEBHOOK: hooks.url,
  CERTGATE_NOTIFY_WEBHOOK_SECRET: hookSecret,
});
const notifier = (now: () => number = () => T0) => {
  const n = new Notifier({ redis, audit, registry, users, config: notifyConfig, metrics, now });
  t.teardown(() => n.stop());
  return n;
};
const mailsTo = (addr: string) => smtp.mails.filter((m) => m.to.some((to) => to.toLowerCase() === addr));
const metric = async (kind: string, outcome: string) => (await metrics.notifications.get()).values.find((v) => v.labels.kind === kind && v.labels.outcome === outcome)?.value ?? 0;

t.test('first pass: one mail per recipient with every reached step, ja by default and en when chosen', async (t) => {
  const r = await notifier().runOnce({ now: T0, release: true });
  t.ok(r.ran);
  const ops = mailsTo('ops@e1.example.jp');
  t.equal(ops.length, 1, 'the operator contact gets one mail');
  const m = ops[0]!;
  t.equal(m.from, 'certgate@portal.example.jp');
  t.equal(m.headers['auto-submitted'], 'auto-generated', 'marked automatic (no out-of-office replies)');
  t.match(m.subject, /クライアント証明書の有効期限が近づいています（3件、最短あと30日、期限切れ1件を含む）/);
  t.match(m.text, /シリアル番号: 0a 1b/, 'serial as browsers print it');
  t.match(m.text, /ラベル: 経理部 PC/);
  t.match(m.text, /有効期限: 2027\/02\/09 23:59 \(JST\)（あと30日）/, 'expiry in Japan time with days left');
  t.match(m.text, /シリアル番号: 0c 0d[\s\S]*あと90日/);
  t.match(m.text, /シリアル番号: 0e 0f[\s\S]*期限切れ/, 'the expired certificate is in the same mail');
  t.match(m.text, /認証局に申し込んで/, 'tells what to do: order a new certificate');
  t.match(m.text, /180日先/);
  t.match(m.text, /削除申請/);
  t.notMatch(m.text, /11 11|22 22|33 33/, 'no expiry date, far away, other operator: not in this mail');
  t.ok(m.text.indexOf('0a 1b') < m.text.indexOf('0c 0d'), 'soonest expiry first');

  const admin = mailsTo('admin@e1.example.jp');
  t.equal(admin.length, 1, 'the administrator gets one mail (addresses compared case-insensitively)');
  t.match(admin[0]!.subject, /Client certificate expiry notice \(3, soonest in 30 days, 1 expired\)/);
  t.match(admin[0]!.text, /Serial number: 0a 1b[\s\S]*Expires: 2027-02-09 23:59 JST \(30 days left\)/);
  t.match(admin[0]!.text, /Order a new client certificate/);
  t.equal(mailsTo('staff1@e1.example.jp').length, 0, 'staff without a known certificate get nothing');
  t.equal(smtp.mails.length, 2, 'nobody else: E2 has no contacts');

  const types = hooks.hooks.map((h) => `${String(h.body.type)}:${String((h.body.certificate as { serial: string }).serial)}`).sort();
  t.same(types, ['certificate.expired:0e 0f', 'certificate.expiring:0a 1b', 'certificate.expiring:0c 0d', 'certificate.expiring:33 33'], 'one webhook call per notice, E2 included');
  t.ok(hooks.hooks.every((h) => h.signatureValid), 'every webhook body is signed with the shared secret');
  t.equal(await metric('expiry', 'sent'), 2 * 3 + 1, 'metric counts deliveries: 2 notices × (2 mails + webhook), + the E2 webhook');
  t.equal(await metric('expired', 'sent'), 3);
});

t.test('later passes the same day and the next days send nothing new', async (t) => {
  const n = notifier();
  for (const now of [T0 + 3_600_000, T0 + DAY, T0 + 5 * DAY]) {
    const r = await n.runOnce({ now, release: true });
    t.ok(r.ran);
    if (r.ran) t.equal(r.summary.mails, 0, `no mail at +${(now - T0) / 3_600_000} h`);
  }
  t.equal(smtp.mails.length, 2);
  // 3333 (E2) reached its 7-day step on 01-15: a webhook only, E2 has no contacts.
  t.same(hooks.hooks.slice(4).map((h) => [h.body.type, h.body.step]), [['certificate.expiring', 7]]);
});

t.test('the next step is reached: only that certificate, once', async (t) => {
  const before = smtp.mails.length;
  const n = notifier();
  // 2027-01-26 JST: 0A1B has 14 days left.
  const day = Date.parse('2027-01-26T00:30:00Z');
  await n.runOnce({ now: day, release: true });
  await n.runOnce({ now: day + 3_600_000, release: true });
  const fresh = smtp.mails.slice(before);
  t.equal(fresh.length, 2, 'operator contact and administrator');
  for (const m of fresh) {
    t.match(m.text, /0a 1b/);
    t.notMatch(m.text, /0c 0d/);
  }
  t.match(mailsTo('ops@e1.example.jp').at(-1)!.subject, /1件、最短あと14日/);
});

t.test('a reminder due later the same day waits for the next day: one mail per recipient per day', async (t) => {
  const day = Date.parse('2027-01-26T02:00:00Z');
  await reg('4444', endOfDayJst('2027-02-02'), '追加分'); // 7 days left
  const before = smtp.mails.length;
  const n = notifier();
  const r = await n.runOnce({ now: day, release: true });
  t.equal(smtp.mails.length, before, 'no second mail today');
  if (r.ran) t.equal(r.summary.deferred, 2, 'deferred for both recipients');
  t.equal(hooks.hooks.filter((h) => (h.body.certificate as { serial: string }).serial === '44 44').length, 1, 'the webhook is not held back');
  const waiting = (await preview({ redis, audit, registry, users, config: notifyConfig }, day, 0)).filter((p) => p.serial === '44 44');
  t.match(waiting, [{ state: 'due', step: 7, recipients: ['ops@e1.example.jp', 'Admin@e1.example.jp'] }], 'preview: still due, not a failure');
  await n.runOnce({ now: day + DAY, release: true });
  t.same((await preview({ redis, audit, registry, users, config: notifyConfig }, day + DAY, 0)).filter((p) => p.serial === '44 44'), [], 'preview: nothing left once sent');
  const fresh = smtp.mails.slice(before);
  t.equal(fresh.length, 2);
  t.ok(fresh.every((m) => /44 44/.test(m.text)), 'the next day\'s mail carries it');
});

t.test('two senders racing without the lease still send each delivery once (claims)', async (t) => {
  await reg('5555', endOfDayJst('2027-03-01'), 'race');
  const now = Date.parse('2027-01-30T00:00:00Z'); // 30 days left for 5555
  const before = smtp.mails.length;
  const beforeHooks = hooks.hooks.length;
  // Two runners with their own connections, racing their passes directly (no lease between them).
  const runner = async (id: string) => {
    const conn = createRedis(redisServer.url);
    await connectRedis(conn);
    t.teardown(() => conn.disconnect());
    const config = notifyConfig;
    return new Runner({ redis: conn, audit: new AuditLog(conn), registry: new Registry(conn), users: new UserStore(conn), config, mail: smtpChannel(config), webhook: webhookChannel(config), id });
  };
  const runners = [await runner('racer-a'), await runner('racer-b')];
  await Promise.all(runners.map((r) => r.pass(now)));
  const fresh = smtp.mails.slice(before);
  t.equal(fresh.length, 2, 'one mail per recipient, not two');
  t.equal(hooks.hooks.slice(beforeHooks).filter((h) => (h.body.certificate as { serial: string }).serial === '55 55').length, 1);
});

t.test('SMTP failure: retried with backoff, visible in status, then sent', async (t) => {
  await reg('6666', endOfDayJst('2027-03-10'), 'retry');
  const now = Date.parse('2027-02-08T00:00:00Z'); // 30 days left for 6666
  const before = smtp.mails.length;
  smtp.rejectWith = 451;
  const n = notifier();
  const r = await n.runOnce({ now, release: true });
  t.ok(r.ran && r.summary.failed >= 2, 'both recipients failed');
  let status = await notifyStatus(redis, now);
  const mine = status.failing.filter((f) => f.notice.includes(':6666:'));
  t.same(mine.map((f) => [f.state, f.target]).sort(), [['failed', 'mail:admin@e1.example.jp'], ['failed', 'mail:ops@e1.example.jp']]);
  t.match(mine[0]!.error, /451|try again/);
  t.equal(mine[0]!.next, now + 5 * 60_000, 'next try after 5 minutes');
  t.ok(await metric('expiry', 'failed') >= 2);
  smtp.rejectWith = undefined;
  await n.runOnce({ now: now + 60_000, release: true });
  t.equal(smtp.mails.length, before, 'not before the backoff has passed');
  await n.runOnce({ now: now + 5 * 60_000, release: true });
  t.equal(smtp.mails.length - before, 2, 'sent after the backoff');
  t.ok(smtp.mails.slice(before).every((m) => /66 66/.test(m.text)));
  status = await notifyStatus(redis, now + 5 * 60_000);
  t.equal(status.failing.length, 0, 'nothing failing any more');
  t.match(status.recent[0], { outcome: 'sent', channel: 'mail' });
  t.match(status.lastPass, { at: now + 5 * 60_000 });
});

t.test('a permanent rejection (550) is given up at once and not retried', async (t) => {
  await reg('7777', endOfDayJst('2027-03-20'), 'bounce');
  const now = Date.parse('2027-02-18T00:00:00Z');
  smtp.rejectWith = 550;
  const n = notifier();
  const r = await n.runOnce({ now, release: true });
  t.ok(r.ran && r.summary.gaveUp >= 2);
  smtp.rejectWith = undefined;
  const before = smtp.mails.length;
  await n.runOnce({ now: now + DAY + 1, release: true });
  t.equal(smtp.mails.length, before);
  const status = await notifyStatus(redis, now);
  t.equal(status.failing.filter((f) => f.state === 'gave-up' && f.notice.includes(':7777:')).length, 2);
  t.ok(await metric('expiry', 'gave-up') >= 2);
});

t.test('the lease: a second sender skips while the first holds it', async (t) => {
  const a = notifier();
  const b = notifier();
  t.ok((await a.runOnce({ now: T0 })).ran);
  const r = await b.runOnce({ now: T0 });
  t.same(r, { ran: false, holder: a.id });
  await a.stop();
  t.ok((await b.runOnce({ now: T0, release: true })).ran, 'released on stop: the other takes over');
});

t.test('webhook: a 503 is retried, a 400 is given up; status says which', async (t) => {
  await reg('8888', endOfDayJst('2027-03-30'), 'hook');
  const now = Date.parse('2027-02-28T00:00:00Z'); // 30 days left for 8888
  hooks.failWith = 503;
  const n = notifier();
  await n.runOnce({ now, release: true });
  let status = await notifyStatus(redis, now);
  const mine = () => status.failing.filter((f) => f.notice.includes(':8888:') && f.target === 'webhook');
  t.match(mine(), [{ state: 'failed', attempts: 1, error: 'webhook answered 503' }]);
  hooks.failWith = undefined;
  await n.runOnce({ now: now + 5 * 60_000, release: true });
  t.equal(hooks.hooks.filter((h) => (h.body.certificate as { serial: string }).serial === '88 88').length, 1, 'delivered on retry');
  status = await notifyStatus(redis, now);
  t.same(mine(), []);

  await reg('9999', endOfDayJst('2027-04-01'), 'hook2');
  const later = Date.parse('2027-03-02T00:00:00Z');
  hooks.failWith = 400;
  await n.runOnce({ now: later, release: true });
  hooks.failWith = undefined;
  await n.runOnce({ now: later + DAY, release: true });
  status = await notifyStatus(redis, later);
  t.match(status.failing.filter((f) => f.notice.includes(':9999:') && f.target === 'webhook'), [{ state: 'gave-up', error: 'webhook answered 400' }]);
  t.equal(hooks.hooks.filter((h) => (h.body.certificate as { serial: string }).serial === '99 99').length, 0, 'not retried');
});

t.test('webhook body: the notice, no addresses', async (t) => {
  const h = hooks.hooks.find((x) => (x.body.certificate as { serial: string }).serial === '0a 1b')!;
  t.match(h.body, {
    id: `exp:${ISSUER}:0A1B:30`,
    type: 'certificate.expiring',
    step: 30,
    operator: { id: 'E1', name: '東京電力量販' },
    certificate: { serial: '0a 1b', serialHex: '0A1B', issuerId: ISSUER, label: '経理部 PC', notAfter: '2027-02-09T14:59:59.000Z', daysLeft: 30 },
  });
  t.equal(h.headers['x-certgate-delivery'], `exp:${ISSUER}:0A1B:30`);
  t.notMatch(JSON.stringify(hooks.hooks.map((x) => x.body)), /@/, 'no mail address leaves through the webhook');
});
