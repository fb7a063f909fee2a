// The reminder calendar in the configured zone (which step is reached on which day, what preview
// schedules) and the notification variables as `certgate serve` and `certgate notify` read them.
import t from 'tap';
import { dueStep, upcomingSteps } from '../../src/notify/planner.js';
import { addDays, daysBetween, formatDateTime, zonedDay } from '../../src/notify/dates.js';
import { loadNotifyConfig, notifyTimeZone } from '../../src/config/notify-schema.js';
import { loadConfig } from '../../src/config/config.js';
import { validateEmail, isEmail } from '../../src/users/email.js';
import { backoffMs } from '../../src/notify/records.js';
import { webhookSignature, safeSmtpUrl } from '../../src/notify/channels.js';

const STEPS = [90, 60, 30, 14, 7, 1];
const TZ = 'Asia/Tokyo';
// Expires 2027-03-31 23:59:59 JST.
const NOT_AFTER = Date.parse('2027-03-31T14:59:59Z');

t.test('steps are counted in calendar days of the configured zone', async (t) => {
  // 2027-03-01 08:30 JST (still 02-28 in UTC): 30 days left in Japan.
  t.same(dueStep(NOT_AFTER, Date.parse('2027-02-28T23:30:00Z'), STEPS, TZ), { step: 30, dueDay: '2027-03-01' });
  // 2027-02-28 23:30 UTC is 02-28 in UTC: 31 days left there, so still the 60-day step.
  t.same(dueStep(NOT_AFTER, Date.parse('2027-02-28T23:30:00Z'), STEPS, 'UTC'), { step: 60, dueDay: '2027-01-30' });
  t.equal(dueStep(NOT_AFTER, Date.parse('2026-12-01T00:00:00Z'), STEPS, TZ), undefined, '120 days: no step yet');
  t.same(dueStep(NOT_AFTER, Date.parse('2027-03-31T10:00:00Z'), STEPS, TZ), { step: 1, dueDay: '2027-03-30' }, 'the last day: still the 1-day step');
  t.same(dueStep(NOT_AFTER, NOT_AFTER + 1000, STEPS, TZ), { step: 'expired', dueDay: '2027-04-01' });
  t.equal(dueStep(NOT_AFTER, NOT_AFTER + 15 * 86_400_000, STEPS, TZ), undefined, 'long expired: old news, no notice');
  t.same(dueStep(NOT_AFTER, Date.parse('2027-03-20T00:00:00Z'), [30], TZ), { step: 30, dueDay: '2027-03-01' }, 'custom steps');
});

t.test('upcoming steps for preview', async (t) => {
  const now = Date.parse('2027-02-20T00:00:00Z'); // 39 days left
  t.same(upcomingSteps(NOT_AFTER, now, STEPS, TZ, 20), [{ step: 30, dueDay: '2027-03-01' }]);
  t.same(upcomingSteps(NOT_AFTER, now, STEPS, TZ, 30), [{ step: 30, dueDay: '2027-03-01' }, { step: 14, dueDay: '2027-03-17' }]);
  t.same(upcomingSteps(NOT_AFTER, now, STEPS, TZ, 60).map((s) => s.step), [30, 14, 7, 1, 'expired']);
  t.same(upcomingSteps(NOT_AFTER, NOT_AFTER + 1000, STEPS, TZ, 60), [], 'already expired: nothing ahead');
});

t.test('dates', async (t) => {
  t.equal(zonedDay(NOT_AFTER, TZ), '2027-03-31');
  t.equal(zonedDay(NOT_AFTER, 'America/New_York'), '2027-03-31');
  t.equal(daysBetween('2027-02-28', '2027-03-01'), 1);
  t.equal(addDays('2028-02-28', 1), '2028-02-29');
  t.equal(formatDateTime(NOT_AFTER, 'ja', TZ), '2027/03/31 23:59 (JST)');
  t.equal(formatDateTime(NOT_AFTER, 'en', TZ), '2027-03-31 23:59 JST');
  t.equal(formatDateTime(NOT_AFTER, 'en', 'UTC'), '2027-03-31 14:59 UTC');
  t.equal(notifyTimeZone({}), 'Asia/Tokyo');
  t.equal(notifyTimeZone({ CERTGATE_TIME_ZONE: 'Europe/Berlin' }), 'Europe/Berlin');
  t.equal(notifyTimeZone({ CERTGATE_TIME_ZONE: 'Mars/Olympus' }), 'Asia/Tokyo', 'an unknown zone is left to the shared config check');
});

t.test('notification variables', async (t) => {
  const c = loadNotifyConfig({});
  t.same(c.days, [90, 60, 30, 14, 7, 1]);
  t.equal(c.intervalMs, 600_000);
  t.equal(c.smtpUrl, undefined);
  t.same(loadNotifyConfig({ CERTGATE_NOTIFY_DAYS: '7, 30,1,30' }).days, [30, 7, 1], 'sorted, duplicates dropped');
  const bad = (env: Record<string, string>, re: RegExp) => t.throws(() => loadNotifyConfig(env), { code: 'CONFIG_INVALID', message: re });
  bad({ CERTGATE_NOTIFY_DAYS: '90,soon' }, /CERTGATE_NOTIFY_DAYS must be whole numbers of days/);
  bad({ CERTGATE_NOTIFY_DAYS: '0' }, /CERTGATE_NOTIFY_DAYS/);
  bad({ CERTGATE_SMTP_URL: 'http://mail.example.jp' }, /CERTGATE_SMTP_URL must be a URL starting with smtp:\/\/ or smtps:\/\//);
  bad({ CERTGATE_SMTP_URL: 'smtp://mail.example.jp' }, /CERTGATE_NOTIFY_FROM is required with CERTGATE_SMTP_URL/);
  bad({ CERTGATE_NOTIFY_FROM: 'certgate' }, /CERTGATE_NOTIFY_FROM must be an e-mail address/);
  bad({ CERTGATE_NOTIFY_FROM: 'a@b.jp\r\nBcc: x@y.jp' }, /CERTGATE_NOTIFY_FROM must be an e-mail address/);
  t.equal(loadNotifyConfig({ CERTGATE_NOTIFY_FROM: '証明書管理 <certgate@portal.example.jp>' }).from, '証明書管理 <certgate@portal.example.jp>');
  bad({ CERTGATE_NOTIFY_WEBHOOK: 'ftp://x' }, /CERTGATE_NOTIFY_WEBHOOK must be a URL/);
  bad({ CERTGATE_NOTIFY_WEBHOOK_SECRET: 'a'.repeat(32) }, /CERTGATE_NOTIFY_WEBHOOK_SECRET is set but CERTGATE_NOTIFY_WEBHOOK is not/);
  bad({ CERTGATE_NOTIFY_WEBHOOK: 'https://hooks.example.jp/x', CERTGATE_NOTIFY_WEBHOOK_SECRET: 'short' }, /at least 16 bytes/);
  bad({ CERTGATE_NOTIFY_INTERVAL: '10ms' }, /CERTGATE_NOTIFY_INTERVAL/);
  // The gateway's own loader reports them with everything else, at start.
  t.throws(() => loadConfig({ CERTGATE_SECRET: 's'.repeat(32), CERTGATE_NOTIFY_DAYS: 'x', CERTGATE_SESSION_IDLE_TIMEOUT: 'x' }), {
    message: /CERTGATE_SESSION_IDLE_TIMEOUT[\s\S]*CERTGATE_NOTIFY_DAYS/,
  });
  t.throws(() => loadConfig({ CERTGATE_SECRET: 's'.repeat(32), CERTGATE_SMTP_URL: 'smtp://m.example.jp' }), { message: /CERTGATE_NOTIFY_FROM is required/ });
  t.match(loadConfig({ CERTGATE_SECRET: 's'.repeat(32) }).notify, { days: [90, 60, 30, 14, 7, 1], smtpUrl: undefined, timeZone: 'Asia/Tokyo' });
});

t.test('addresses, backoff, signature, masked URL', async (t) => {
  t.equal(validateEmail(' Yamada.Hanako@Example.CO.JP '), 'Yamada.Hanako@example.co.jp');
  for (const bad of ['a@b', 'a b@example.jp', '<a@example.jp>', '.a@example.jp', 'a..b@example.jp', 'a.@example.jp', 'a@-x.example.jp', `${'a'.repeat(250)}@example.jp`]) {
    t.notOk(isEmail(bad), bad);
  }
  t.throws(() => validateEmail('nope'), { code: 'USAGE' });
  t.same([1, 2, 3, 8, 10].map(backoffMs), [300_000, 600_000, 1_200_000, 21_600_000, 21_600_000]);
  t.equal(webhookSignature('k'.repeat(16), '{"a":1}'), 'sha256=' + (await import('node:crypto')).createHmac('sha256', 'k'.repeat(16)).update('{"a":1}').digest('hex'));
  t.equal(safeSmtpUrl('smtp://mailer:s3cret@mail.example.jp:587'), 'smtp://mailer:***@mail.example.jp:587');
});
