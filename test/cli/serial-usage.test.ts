// Registration usage in the CLI: `serial add --usage`, `serial list --usage`, the CSV `usage`
// column (old 4-column files still work), audit entries, and registrations stored before usage
// existed reading as `web`.
import { writeFileSync } from 'node:fs';
import t from 'tap';
import { Registry } from '../../src/registry/registry.js';
import { keys } from '../../src/store/keys.js';
import { cliFor } from '../helpers/cli.js';
import { testPki } from '../helpers/pki.js';
import { startRedis } from '../helpers/redis-server.js';

const pki = testPki();
const server = await startRedis();
t.teardown(() => server.stop());
const redis = server.client();
const registry = new Registry(redis);
const cli = cliFor({ REDIS_URL: server.url, CERTGATE_CLIENT_CA: pki.file('ca.crt') });
const CA = pki.ca.id;
const dir = t.testdir({});
const csv = (name: string, content: string) => {
  writeFileSync(`${dir}/${name}`, content);
  return `${dir}/${name}`;
};

interface Row {
  serial: string;
  usage: string;
}

t.beforeEach(async () => {
  await redis.flushall();
  t.equal((await cli('operator', 'add', 'acme', '--name', 'Acme 電力')).code, 0);
});

t.test('add --usage api; web is the default; list shows and filters usage', async (t) => {
  const api = await cli('serial', 'add', '0a:1b', '--operator', 'acme', '--usage', 'api', '--label', '需給システム');
  t.equal(api.code, 0, api.err);
  t.match(api.out, /registered serial 0a 1b for operator acme for API use/);
  t.equal((await registry.get(CA, '0A1B'))?.usage, 'api', 'stored as api');
  t.equal((await cli('serial', 'add', '0c', '--operator', 'acme')).code, 0);
  t.equal((await cli('serial', 'add', '0d', '--operator', 'acme', '--usage', 'WEB')).code, 0);
  t.equal((await cli('serial', 'add', '--cert', pki.file('demo-ec.crt'), '--operator', 'acme', '--usage', 'api')).code, 0);

  const all = (await cli('serial', 'list', '--json')).json<Row[]>();
  t.same(
    Object.fromEntries(all.map((r) => [r.serial, r.usage])),
    { '0A1B': 'api', '0C': 'web', '0D': 'web', [pki.clients['demo-ec'].serial]: 'api' },
  );
  const only = async (usage: string) => (await cli('serial', 'list', '--json', '--usage', usage)).json<Row[]>().map((r) => r.serial).sort();
  t.same(await only('api'), ['0A1B', pki.clients['demo-ec'].serial].sort());
  t.same(await only('web'), ['0C', '0D']);

  const table = (await cli('serial', 'list', '--usage', 'api')).out.trim().split('\n');
  t.match(table[0], /^SERIAL\s+OPERATOR\s+USAGE\s+LABEL/);
  t.match(table.find((l) => l.startsWith('0a 1b')), /^0a 1b\s+acme\s+api\s+需給システム/);
  t.equal(table.length, 3, 'header and two api rows');
});

t.test('a bad --usage is one usage line, exit 2, nothing written', async (t) => {
  for (const args of [['serial', 'add', '0a', '--operator', 'acme', '--usage', 'robot'], ['serial', 'list', '--usage', 'both']]) {
    const r = await cli(...args);
    t.equal(r.code, 2, args.join(' '));
    t.equal(r.err.trim().split('\n').length, 1);
    t.match(r.err, /^certgate: --usage "(robot|both)" is not a usage; use web or api/);
  }
  t.same(await registry.list(), []);
});

t.test('registrations stored before usage existed read as web', async (t) => {
  // The exact JSON an earlier certgate wrote (no usage field).
  await redis.set(keys.registration(CA, '0E'), JSON.stringify({ o: 'acme', at: Date.now(), by: 'old' }));
  t.equal((await cli('serial', 'list', '--json')).json<Row[]>()[0]?.usage, 'web');
  t.same((await cli('serial', 'list', '--json', '--usage', 'api')).json(), []);
});

t.test('import: optional usage column, old 4-column files keep working, bad usage writes nothing', async (t) => {
  const withUsage = csv('usage.csv', 'serial,operator,not_after,label,usage\n01,acme,2028-03-31,API 1,api\n02,acme,2028-03-31,browser,web\n03,acme,2028-03-31,blank,\n');
  const r = await cli('serial', 'import', withUsage);
  t.equal(r.code, 0, r.err);
  const usages = async () => Object.fromEntries((await cli('serial', 'list', '--json')).json<Row[]>().map((x) => [x.serial, x.usage]));
  t.same(await usages(), { '01': 'api', '02': 'web', '03': 'web' });

  const old = csv('old.csv', 'serial,operator,not_after,label\n04,acme,2028-03-31,legacy\n');
  t.equal((await cli('serial', 'import', old)).code, 0);
  t.equal((await registry.get(CA, '04'))?.usage ?? 'web', 'web');

  const bad = csv('bad.csv', 'serial,operator,not_after,label,usage\n05,acme,2028-03-31,ok,api\n06,acme,2028-03-31,typo,apl\n');
  const refused = await cli('serial', 'import', bad);
  t.equal(refused.code, 1);
  t.match(refused.err, /bad\.csv: line 3: usage "apl" is not web or api/);
  t.equal(await registry.get(CA, '05'), undefined, 'the good row was not written either');
});

t.test('the audit log records the usage', async (t) => {
  await cli('serial', 'add', '0a', '--operator', 'acme', '--usage', 'api');
  await cli('serial', 'import', csv('audit.csv', 'serial,operator,not_after,label,usage\n0b,acme,2028-03-31,,api\n0c,acme,2028-03-31,,\n'));
  const entries = (await cli('audit', 'list', '--json')).json<Array<{ action: string; detail: Record<string, unknown> }>>();
  t.match(entries.find((e) => e.action === 'serial.add')?.detail, { operator: 'acme', usage: 'api' });
  t.match(entries.find((e) => e.action === 'serial.import')?.detail, { added: 2, api: 1 });
});
