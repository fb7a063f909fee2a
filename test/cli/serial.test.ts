// `certgate serial add/list/remove/prune` in-process against a real redis-server and real certificates.
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import t, { type Test } from 'tap';
import { registrationCount } from '../helpers/store-keys.js';
import { keys, registryField } from '../../src/store/keys.js';
import { displaySerial } from '../../src/tls/serial.js';
import { cliFor } from '../helpers/cli.js';
import { testPki } from '../helpers/pki.js';
import { startRedis } from '../helpers/redis-server.js';

const pki = testPki();
const server = await startRedis();
t.teardown(() => server.stop());
const redis = server.client();
const env = { REDIS_URL: server.url, CERTGATE_CLIENT_CA: pki.file('ca.crt') };
const cli = cliFor(env);
const CA = pki.ca.id;

interface Row {
  serial: string;
  displaySerial: string;
  operator: string;
  label: string | null;
  notAfter: string | null;
  daysLeft: number | null;
  state: string;
  issuerId: string;
}

t.beforeEach(async () => {
  await redis.flushall();
  t.equal((await cli('operator', 'add', 'acme', '--name', 'Acme 電力')).code, 0);
});

const oneErrorLine = (t: Test, err: string, pattern: RegExp) => {
  t.equal(err.split('\n').filter(Boolean).length, 1, 'exactly one stderr line');
  t.match(err, /^certgate: /);
  t.match(err, pattern);
};

t.test('add by serial, in the forms browsers print', async (t) => {
  const r = await cli('serial', 'add', '0A:1B:2C', '--operator', 'acme', '--not-after', '2027-03-31', '--label', '山田 太郎');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /registered serial 0a 1b 2c for operator acme, valid until 2027-03-31 23:59:59 JST/);
  t.equal(r.err, '', 'no warning with --not-after');
  const stored = JSON.parse((await redis.get(keys.registration(CA, '0A1B2C')))!) as Record<string, unknown>;
  t.match(stored, { o: 'acme', l: '山田 太郎', by: userInfo().username });
  t.equal(stored.na, Date.parse('2027-03-31T23:59:59.999+09:00'), 'usable through the whole last day, Japan time (CERTGATE_TIME_ZONE default)');
  const dup = await cli('serial', 'add', '00 0a 1b 2c', '--operator', 'acme');
  t.equal(dup.code, 1);
  oneErrorLine(t, dup.err, /already registered for operator "acme"; remove it first or add --replace/);
  t.equal((await cli('serial', 'add', '0a1b2c', '--operator', 'acme', '--replace')).code, 0);
  const bad = await cli('serial', 'add', '0a', '--operator', 'acme', '--not-before', '2027-01-02', '--not-after', '2027-01-01');
  t.equal(bad.code, 2);
  oneErrorLine(t, bad.err, /--not-before is after --not-after/);
});

t.test('add --cert reads serial, issuer and dates from PEM, DER and PKCS#12', async (t) => {
  const dir = t.testdir({});
  writeFileSync(`${dir}/demo.der`, pki.clients.demo.der);
  for (const [args, issued] of [
    [['--cert', pki.file('demo-ec.p12'), '--password', pki.password], pki.clients['demo-ec']],
    [['--cert', `${dir}/demo.der`], pki.clients.demo],
    [['--cert', pki.file('unregistered.crt'), '--label', 'spare'], pki.clients.unregistered],
  ] as const) {
    const r = await cli('serial', 'add', ...args, '--operator', 'acme');
    t.equal(r.code, 0, r.err);
    t.match(r.out, displaySerial(issued.serial));
  }
  const rows = (await cli('serial', 'list', '--json')).json<Row[]>();
  t.equal(rows.length, 3);
  const ec = rows.find((r) => r.serial === pki.clients['demo-ec'].serial)!;
  t.equal(ec.issuerId, CA);
  t.equal(ec.state, 'active');
  t.ok(ec.daysLeft! >= 728 && ec.daysLeft! <= 730, 'two years left');
  t.equal(rows.find((r) => r.serial === pki.clients.unregistered.serial)?.label, 'spare');

  const foreign = await cli('serial', 'add', '--cert', pki.file('foreign.crt'), '--operator', 'acme');
  t.equal(foreign.code, 1);
  oneErrorLine(t, foreign.err, /not issued by a trusted client CA/);
  const wrong = await cli('serial', 'add', '--cert', pki.file('demo.p12'), '--password', 'nope', '--operator', 'acme');
  t.equal(wrong.code, 1);
  oneErrorLine(t, wrong.err, /wrong password for the PKCS#12 file/);
  const noPw = await cli('serial', 'add', '--cert', pki.file('demo.p12'), '--operator', 'acme');
  oneErrorLine(t, noPw.err, /give its password with --password/);
  const both = await cli('serial', 'add', '0a', '--cert', pki.file('demo.crt'), '--operator', 'acme');
  t.equal(both.code, 2);
  const missing = await cli('serial', 'add', '--cert', `${dir}/nope.pem`, '--operator', 'acme');
  t.equal(missing.code, 1);
  oneErrorLine(t, missing.err, /cannot read the certificate file/);
  const expired = await cli('serial', 'add', '--cert', pki.file('expired.crt'), '--operator', 'acme');
  t.equal(expired.code, 2, 'an expired certificate is refused');
  oneErrorLine(t, expired.err, /expired on \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} JST.*add --allow-expired to register it anyway/);
  const allowed = await cli('serial', 'add', '--cert', pki.file('expired.crt'), '--operator', 'acme', '--allow-expired');
  t.equal(allowed.code, 0, '… unless --allow-expired says so');
  t.match(allowed.err, /warning: this certificate expired on .*--allow-expired/);
});

t.test('list: columns, filters, JSON, sorted by expiry', async (t) => {
  const day = (d: number) => {
    const x = new Date(Date.now() + d * 86_400_000);
    return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
  };
  await cli('operator', 'add', 'beta', '--name', 'Beta');
  await cli('serial', 'add', '01', '--operator', 'acme', '--not-after', day(100));
  await cli('serial', 'add', '02', '--operator', 'beta', '--not-after', day(10));
  await cli('serial', 'add', '03', '--operator', 'acme', '--not-after', day(-5), '--allow-expired');
  await cli('serial', 'add', '04', '--operator', 'acme', '--not-before', day(3), '--not-after', day(400));
  const text = await cli('serial', 'list');
  t.equal(text.code, 0);
  const lines = text.out.trim().split('\n');
  t.match(lines[0], /^SERIAL\s+OPERATOR\s+USAGE\s+LABEL\s+NOT BEFORE \(JST\)\s+NOT AFTER \(JST\)\s+DAYS LEFT\s+STATE$/, 'the date columns name their zone');
  t.same(lines.slice(1).map((l) => l.split(/\s+/)[0]), ['03', '02', '01', '04']);
  t.match(lines[1], /expired$/);
  t.match(lines[4], /not-yet-valid$/);
  const serials = async (...args: string[]) => (await cli('serial', 'list', '--json', ...args)).json<Row[]>().map((r) => r.serial);
  t.same(await serials('--operator', 'beta'), ['02']);
  t.same(await serials('--expiring-within', '30'), ['02']);
  t.same(await serials('--expired'), ['03']);
  t.same(await serials('--operator', 'nobody'), []);
  const days = (await cli('serial', 'list', '--json', '--operator', 'beta')).json<Row[]>()[0]!.daysLeft;
  t.ok(days === 10 || days === 9, 'days left');
  const bad = await cli('serial', 'list', '--expiring-within', 'soon');
  t.equal(bad.code, 2);
  oneErrorLine(t, bad.err, /--expiring-within "soon" must be a whole number/);
  await redis.flushall();
  t.same((await cli('serial', 'list', '--json')).json(), [], 'empty list is still one JSON document');
  t.match((await cli('serial', 'list')).out, /no certificate serials match/);
});

t.test('remove ends the session bound to the certificate', async (t) => {
  await cli('serial', 'add', '--cert', pki.file('demo.crt'), '--operator', 'acme');
  await cli('serial', 'add', '--cert', pki.file('demo-ec.crt'), '--operator', 'acme');
  const demoField = registryField(CA, pki.clients.demo.serial);
  await redis.hset(keys.session('taro'), 'sid', 'x', 'cert', demoField);
  await redis.hset(keys.session('hanako'), 'sid', 'y', 'cert', registryField(CA, pki.clients['demo-ec'].serial));
  const r = await cli('serial', 'remove', displaySerial(pki.clients.demo.serial));
  t.equal(r.code, 0, r.err);
  t.match(r.out, /1 removed; 1 session\(s\) ended/);
  t.equal(await redis.exists(keys.session('taro')), 0, 'session hash deleted');
  t.equal(await redis.exists(keys.session('hanako')), 1);
  t.equal(await redis.exists(keys.registration(CA, pki.clients.demo.serial)), 0);
  const again = await cli('serial', 'remove', pki.clients.demo.serial, pki.clients['demo-ec'].serial);
  t.equal(again.code, 1, 'a serial that is not registered is a runtime failure');
  oneErrorLine(t, again.err, /not registered: .*; see `certgate serial list`/);
  t.equal(await registrationCount(redis), 0, 'the registered one of the list was still removed');
  const withIssuer = await cli('serial', 'remove', '77', '--issuer', pki.ca.id);
  t.equal(withIssuer.code, 2, 'an id is not a fingerprint: usage error');
  const fp = pki.trustedCas[0]!.fingerprint256;
  await cli('serial', 'add', '77', '--operator', 'acme', '--issuer', fp);
  t.equal((await cli('serial', 'remove', '77', '--issuer', fp)).code, 0);
  t.equal((await cli('serial', 'remove', 'zz')).code, 2);
});

t.test('prune --expired-before, dry run first', async (t) => {
  await cli('serial', 'add', '01', '--operator', 'acme', '--not-after', '2020-01-31', '--allow-expired');
  await cli('serial', 'add', '02', '--operator', 'acme', '--not-after', '2021-06-30', '--allow-expired');
  await cli('serial', 'add', '03', '--operator', 'acme', '--not-after', '2099-01-01');
  const dry = await cli('serial', 'prune', '--expired-before', '2021-01-01', '--dry-run');
  t.equal(dry.code, 0);
  t.match(dry.out, /would remove 1 certificate serial\(s\) that expired before 2021-01-01 00:00:00 JST \(dry run: nothing changed\)/);
  t.equal(await registrationCount(redis), 3);
  const json = (await cli('serial', 'prune', '--expired-before', '30d', '--dry-run', '--json')).json<{ matched: number; removed: number; dryRun: boolean }>();
  t.match(json, { matched: 2, removed: 0, dryRun: true });
  const real = await cli('serial', 'prune', '--expired-before', '30d');
  t.equal(real.code, 0);
  t.match(real.out, /removed 2 certificate serial\(s\)/);
  t.equal(await registrationCount(redis), 1);
  const bad = await cli('serial', 'prune', '--expired-before', 'last year');
  t.equal(bad.code, 2);
  oneErrorLine(t, bad.err, /--expired-before "last year" is neither a date nor a number of days/);
  const none = await cli('serial', 'prune');
  t.equal(none.code, 2);
  oneErrorLine(t, none.err, /required option '--expired-before/);
});

t.test('CERTGATE_TIME_ZONE: date-only input is the end of that day in the zone, and output names the zone', async (t) => {
  const jst = await cli('serial', 'add', '0c', '--operator', 'acme', '--not-after', '2028-03-31');
  t.match(jst.out, 'valid until 2028-03-31 23:59:59 JST');
  const rowOf = async (serial: string) => (await cli('serial', 'list', '--json')).json<Row[]>().find((r) => r.serial === serial)!;
  t.equal((await rowOf('0C')).notAfter, '2028-03-31T14:59:59.999Z', 'the end of 31 March in Japan, not 08:59 on 1 April');
  const utcCli = cliFor({ ...env, CERTGATE_TIME_ZONE: 'UTC' });
  const utc = await utcCli('serial', 'add', '0d', '--operator', 'acme', '--not-after', '2028-03-31');
  t.match(utc.out, 'valid until 2028-03-31 23:59:59 UTC');
  t.equal((await rowOf('0D')).notAfter, '2028-03-31T23:59:59.999Z');
  const listed = await cli('serial', 'list');
  t.match(listed.out, /NOT AFTER \(JST\)/);
  t.match(listed.out.split('\n').find((l) => l.startsWith('0d'))!, /2028-04-01/, 'the UTC end of day is 1 April in Japan');
  const bad = await cliFor({ ...env, CERTGATE_TIME_ZONE: 'Mars/Base' })('serial', 'list');
  t.equal(bad.code, 2);
  oneErrorLine(t, bad.err, /CERTGATE_TIME_ZONE "Mars\/Base" is not a time zone; use an IANA name such as Asia\/Tokyo or UTC/);
});

t.test('serial add warns when the certificate could never show as expiring', async (t) => {
  const r = await cli('serial', 'add', '0e', '--operator', 'acme');
  t.equal(r.code, 0);
  t.match(r.out, 'no expiry recorded');
  oneErrorLine(t, r.err, /warning: no expiry recorded, so this certificate will never show as expiring.*--cert <file>.*--not-after <YYYY-MM-DD>/);
  const past = await cli('serial', 'add', '0f', '--operator', 'acme', '--not-after', '2020-01-01');
  t.equal(past.code, 2, 'a not-after in the past is refused');
  oneErrorLine(t, past.err, /expired on 2020-01-01 23:59:59 JST.*--allow-expired/);
  t.equal(await redis.exists(keys.registration(CA, '0F')), 0, 'nothing written');
});

t.test('every mutation is in the audit log with the OS user', async (t) => {
  await cli('serial', 'add', '0a', '--operator', 'acme');
  await cli('serial', 'remove', '0a');
  await cli('serial', 'add', '0b', '--operator', 'acme', '--not-after', '2020-01-01', '--allow-expired');
  await cli('serial', 'prune', '--expired-before', '2021-01-01');
  const entries = (await cli('audit', 'list', '--json')).json<Array<{ action: string; actor: string; source: string; target: string }>>();
  t.same(
    entries.map((e) => e.action),
    ['operator.add', 'serial.add', 'serial.remove', 'serial.add', 'serial.prune'],
  );
  t.ok(entries.every((e) => e.actor === userInfo().username && e.source === 'cli'));
  t.equal(entries[1]!.target, registryField(CA, '0A'));
});
