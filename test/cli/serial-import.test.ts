// `certgate serial import`: every row validated first, errors name their line, nothing written on
// any error; BOM, CRLF and quoted fields accepted; 100,000 rows in one go.
import { writeFileSync } from 'node:fs';
import t from 'tap';
import { registrationCount } from '../helpers/store-keys.js';
import { keys } from '../../src/store/keys.js';
import { cliFor } from '../helpers/cli.js';
import { testPki } from '../helpers/pki.js';
import { startRedis } from '../helpers/redis-server.js';

const pki = testPki();
const server = await startRedis();
t.teardown(() => server.stop());
const redis = server.client();
const cli = cliFor({ REDIS_URL: server.url, CERTGATE_CLIENT_CA: pki.file('ca.crt') });
const dir = t.testdir({});
const csv = (name: string, content: string | Buffer) => {
  writeFileSync(`${dir}/${name}`, content);
  return `${dir}/${name}`;
};

t.beforeEach(async () => {
  await redis.flushall();
  await cli('operator', 'add', 'acme', '--name', 'Acme');
  await cli('operator', 'add', 'beta', '--name', 'Beta');
});

t.test('good file: BOM, CRLF, quotes, optional not_before', async (t) => {
  const file = csv(
    'good.csv',
    '\ufeffserial,operator,not_after,label,not_before\r\n' +
      '0a:1b:2c,acme,2027-03-31,"Yamada, Taro",\r\n' +
      '"00 8f 01",beta,2027/04/01,"say ""hi""",2025-04-01\r\n' +
      '\r\n' +
      'ff,acme,,"two\nlines",\r\n',
  );
  const r = await cli('serial', 'import', file);
  t.equal(r.code, 0, r.err);
  t.match(r.out, /imported 3 certificate serial\(s\) for 2 operator\(s\)/);
  const get = async (serial: string) => JSON.parse((await redis.get(keys.registration(pki.ca.id, serial)))!) as Record<string, unknown>;
  t.match(await get('0A1B2C'), { o: 'acme', l: 'Yamada, Taro' });
  t.equal((await get('0A1B2C')).na, Date.parse('2027-03-31T23:59:59.999+09:00'), 'not_after: the end of that day in CERTGATE_TIME_ZONE (Asia/Tokyo)');
  t.equal((await get('8F01')).nb, Date.parse('2025-04-01T00:00:00.000+09:00'), 'not_before: the start of that day there');
  t.match(await get('8F01'), { o: 'beta', l: 'say "hi"' });
  t.ok(typeof (await get('8F01')).nb === 'number');
  t.match(await get('FF'), { o: 'acme', l: 'two\nlines' });
  t.notOk('na' in (await get('FF')), 'empty not_after: no expiry recorded');
  const audit = (await cli('audit', 'list', '--json')).json<Array<{ action: string; detail: { added: number } }>>();
  t.match(audit.at(-1), { action: 'serial.import', detail: { added: 3 } });
  const lf = csv('lf.csv', 'serial,operator,not_after,label\n01,acme,2027-01-01,\n');
  t.equal((await cli('serial', 'import', lf)).code, 0, 'LF without BOM');
});

t.test('each kind of bad row is reported with its line; nothing is written', async (t) => {
  await cli('serial', 'add', '99', '--operator', 'acme');
  const file = csv(
    'bad.csv',
    [
      'serial,operator,not_after,label',
      '01,acme,2027-01-01,ok',
      'zz-not-hex,acme,2027-01-01,bad serial',
      '02,ghost,2027-01-01,unknown operator',
      '03,acme,2027-02-30,bad date',
      '04,acme,2027-01-01,first',
      '00 04,acme,2027-01-01,duplicate in file',
      '99,acme,2027-01-01,already registered',
      '05,acme,2027-01-01',
      '06,bad op!,2027-01-01,bad operator id',
    ].join('\n'),
  );
  const r = await cli('serial', 'import', file);
  t.equal(r.code, 1, 'bad data in the file: runtime failure, not a usage error');
  const lines = r.err.trim().split('\n');
  t.match(lines, [
    /line 3: "zz-not-hex" is not a certificate serial/,
    /line 4: operator "ghost" does not exist/,
    /line 5: not_after "2027-02-30" is not a date/,
    /line 7: serial 04 already appears on line 6/,
    /line 8: serial 99 is already registered/,
    /line 9: 3 fields where the header has 4/,
    /line 10: "bad op!" is not a valid operator id/,
    /^certgate: 7 problem\(s\) in .*bad\.csv; nothing was imported; fix the lines listed above/,
  ]);
  t.equal(lines.length, 8);
  t.equal(await registrationCount(redis), 1, 'only the previously registered serial');
});

t.test('header, encoding and file problems', async (t) => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['empty.csv', '', /line 1: the file is empty/],
    ['header.csv', 'serial,owner,not_after,label\n01,acme,2027-01-01,\n', /line 1: unknown column "owner", missing column "operator"/],
    ['noheader-rows.csv', 'serial,operator,not_after,label\n', /line 2: no rows after the header/],
    ['quote.csv', 'serial,operator,not_after,label\n"01,acme,2027-01-01,\n', /line 2: a quoted field is not closed/],
    ['sjis.csv', Buffer.from([0x73, 0x65, 0x72, 0x0a, 0x83, 0x65, 0x83, 0x58, 0x83, 0x67]), /not UTF-8 text; save it as "CSV UTF-8"/],
  ];
  for (const [name, content, pattern] of cases) {
    const r = await cli('serial', 'import', csv(name, content));
    t.equal(r.code, 1, name);
    t.match(r.err, pattern, name);
  }
  const missing = await cli('serial', 'import', `${dir}/nope.csv`);
  t.equal(missing.code, 1);
  t.match(missing.err, /^certgate: cannot read .*nope\.csv \(no such file\); check the path\n$/);
  t.equal((await cli('serial', 'import')).code, 2, 'missing file argument');
  t.equal(await registrationCount(redis), 0);
});

t.test('100,000 rows import in one go', async (t) => {
  const rows = ['serial,operator,not_after,label'];
  for (let i = 0; i < 100_000; i++) rows.push(`${(0x100000 + i).toString(16)},${i % 2 ? 'acme' : 'beta'},2027-12-31,holder ${i}`);
  const r = await cli('serial', 'import', csv('big.csv', rows.join('\r\n')));
  t.equal(r.code, 0, r.err);
  t.match(r.out, /imported 100000 certificate serial\(s\)/);
  t.equal(await registrationCount(redis), 100_000);
  // The same file again: every row is a duplicate now; the error list is capped, nothing changes.
  const again = await cli('serial', 'import', `${dir}/big.csv`);
  t.equal(again.code, 1);
  t.match(again.err, /… and 99800 more/);
  t.match(again.err, /certgate: 100000 problem\(s\)/);
});
