// The configured time zone: date-only input, display with the zone named, calendar days left.
import t from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { describeStoreFailure } from '../../src/ops/readiness.js';
import { certDaysLeft, renewalBanner } from '../../src/time/renewal.js';
import {
  DEFAULT_TIME_ZONE,
  calendarDaysBetween,
  endOfDay,
  formatZonedDate,
  formatZonedTime,
  isTimeZone,
  parseZonedDate,
  startOfDay,
  timeZoneFrom,
  zoneAbbreviation,
} from '../../src/time/zone.js';

t.test('date-only input is a whole day in the zone', async (t) => {
  t.equal(DEFAULT_TIME_ZONE, 'Asia/Tokyo');
  t.equal(parseZonedDate('2028-03-31', 'Asia/Tokyo', 'end'), Date.parse('2028-03-31T23:59:59.999+09:00'));
  t.equal(parseZonedDate('2028/3/31', 'Asia/Tokyo', 'start'), Date.parse('2028-03-31T00:00:00+09:00'));
  t.equal(parseZonedDate('2028-03-31', 'UTC', 'end'), Date.parse('2028-03-31T23:59:59.999Z'));
  // Across a daylight-saving change the day still ends at local midnight.
  t.equal(endOfDay(2026, 3, 28, 'Europe/Berlin'), Date.parse('2026-03-28T23:59:59.999+01:00'));
  t.equal(endOfDay(2026, 3, 29, 'Europe/Berlin'), Date.parse('2026-03-29T23:59:59.999+02:00'));
  t.equal(startOfDay(2026, 10, 25, 'Europe/Berlin'), Date.parse('2026-10-25T00:00:00+02:00'));
  t.equal(parseZonedDate('2028-02-30', 'Asia/Tokyo'), undefined, 'no such day');
  t.equal(parseZonedDate('tomorrow', 'Asia/Tokyo'), undefined);
  t.equal(parseZonedDate('2028-03-31T10:00:00Z', 'Asia/Tokyo'), Date.parse('2028-03-31T10:00:00Z'), 'a timestamp with an offset is taken as given');
  t.equal(parseZonedDate('2028-03-31T10:00', 'Asia/Tokyo'), Date.parse('2028-03-31T10:00:00+09:00'), 'without one it is wall-clock time in the zone');
});

t.test('display: the zone decides the day and names itself', async (t) => {
  const ms = Date.parse('2026-03-31T15:30:00Z');
  t.equal(formatZonedDate(ms, 'Asia/Tokyo'), '2026-04-01');
  t.equal(formatZonedDate(ms, 'UTC', '/'), '2026/03/31');
  t.equal(formatZonedTime(ms, 'Asia/Tokyo', true), '00:30:00');
  t.equal(zoneAbbreviation('Asia/Tokyo'), 'JST');
  t.equal(zoneAbbreviation('Etc/UTC'), 'UTC');
  t.match(zoneAbbreviation('Europe/Berlin', Date.parse('2026-07-01T00:00:00Z')), /^(CEST|GMT\+2)$/);
});

t.test('CERTGATE_TIME_ZONE: default, valid, invalid (one message naming the variable)', async (t) => {
  t.same(timeZoneFrom({}), { zone: 'Asia/Tokyo' });
  t.same(timeZoneFrom({ CERTGATE_TIME_ZONE: ' UTC ' }), { zone: 'UTC' });
  t.match(timeZoneFrom({ CERTGATE_TIME_ZONE: 'Nowhere/Land' }).problem, /CERTGATE_TIME_ZONE "Nowhere\/Land" is not a time zone/);
  t.notOk(isTimeZone(''));
  t.notOk(isTimeZone('x'.repeat(65)));
  const base = { CERTGATE_SECRET: 'x'.repeat(40) };
  t.equal(loadConfig(base).timeZone, 'Asia/Tokyo');
  t.equal(loadConfig({ ...base, CERTGATE_TIME_ZONE: 'Europe/Berlin' }).timeZone, 'Europe/Berlin');
  t.throws(() => loadConfig({ ...base, CERTGATE_TIME_ZONE: 'Mars/Base' }), /CERTGATE_TIME_ZONE must be an IANA time zone/);
});

t.test('days left are calendar days in the zone; an expired certificate is negative, never 0', async (t) => {
  const notAfter = new Date('2028-03-31T14:59:59.999Z'); // 23:59:59 JST
  t.equal(certDaysLeft(notAfter, Date.parse('2028-03-31T00:00:00+09:00'), 'Asia/Tokyo'), 0, 'the last day');
  t.equal(certDaysLeft(notAfter, Date.parse('2028-03-30T23:00:00+09:00'), 'Asia/Tokyo'), 1);
  t.equal(certDaysLeft(notAfter, Date.parse('2028-04-01T00:00:01+09:00'), 'Asia/Tokyo'), -1, 'one second past: expired');
  t.equal(calendarDaysBetween(Date.parse('2028-01-01T00:00:00Z'), Date.parse('2028-01-11T00:00:00Z'), 'UTC'), 10);
  t.equal(renewalBanner(notAfter, Date.parse('2027-01-01T00:00:00Z'), 60, 'Asia/Tokyo'), undefined, 'far from expiry: no banner');
  t.same(renewalBanner(notAfter, Date.parse('2028-04-02T00:00:00+09:00'), 60, 'Asia/Tokyo'), { notAfter, daysLeft: -2 });
});

t.test('/readyz store messages in plain words', async (t) => {
  const at = '127.0.0.1:6379';
  const cases: Array<[unknown, RegExp]> = [
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, /connection refused: is redis-server running there\?/],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND redis' }, /host name not found/],
    [new Error('redis did not answer within 1000 ms'), /no answer within 1000 ms/],
    [new Error('WRONGPASS invalid username-password pair'), /authentication failed: check the user and password in REDIS_URL/],
    [new Error('LOADING Redis is loading the dataset in memory'), /still loading/],
    [new Error("Stream isn't writeable and enableOfflineQueue options is false"), /not connected \(reconnecting\)/],
    [new Error('ERR something else'), /no valid answer/],
  ];
  for (const [err, expected] of cases) {
    const text = describeStoreFailure(err, at, 1000);
    t.match(text, `store (REDIS_URL) at ${at} is not reachable: `);
    t.match(text, expected);
  }
});

t.test('a notice\'s publication day is the same calendar day in any configured zone', async (t) => {
  const { createNoticeStore } = await import('../../src/portal/content.js');
  const { createLogger } = await import('../../src/log/logger.js');
  const { formatDate } = await import('../../src/pages/format.js');
  const { Writable } = await import('node:stream');
  const logger = createLogger({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
  const content = new URL('../../content/', import.meta.url).pathname;
  for (const zone of ['Asia/Tokyo', 'UTC', 'America/Los_Angeles']) {
    const list = await createNoticeStore(content, { logger, timeZone: zone }).list(1, 10);
    const notice = list.items.find((n) => n.id === '2026-11-20-main-auction-guidelines');
    t.equal(notice && formatDate(notice.date, 'ja', zone), '2026/11/20', zone);
  }
});
