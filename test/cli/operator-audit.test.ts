// `certgate operator add/list` and `certgate audit list`.
import { userInfo } from 'node:os';
import t from 'tap';
import { AuditLog } from '../../src/audit/audit-log.js';
import { keys } from '../../src/store/keys.js';
import { cliFor } from '../helpers/cli.js';
import { startRedis } from '../helpers/redis-server.js';

const server = await startRedis();
t.teardown(() => server.stop());
const redis = server.client();
// No CERTGATE_SECRET and no CA file: administration commands need neither.
const cli = cliFor({ REDIS_URL: server.url, CERTGATE_CLIENT_CA: '/nonexistent/ca.crt' });

t.test('operator add and list', async (t) => {
  t.match((await cli('operator', 'list')).out, /no operators yet/);
  const r = await cli('operator', 'add', 'acme-1', '--name', 'Acme 電力株式会社');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /created operator acme-1/);
  await cli('operator', 'add', 'beta', '--name', 'Beta');
  const list = await cli('operator', 'list');
  t.match(list.out, /^OPERATOR\s+NAME\s+CREATED \(JST\)\nacme-1\s+Acme 電力株式会社\s+\d{4}-\d\d-\d\d\nbeta\s+Beta/);
  const json = (await cli('operator', 'list', '--json')).json<Array<{ id: string; name: string; createdAt: string }>>();
  t.same(json.map((o) => o.id), ['acme-1', 'beta']);
  t.ok(Date.parse(json[0]!.createdAt) > 0);
  const dup = await cli('operator', 'add', 'beta', '--name', 'x');
  t.equal(dup.code, 1);
  t.match(dup.err, /^certgate: operator "beta" already exists; see `certgate operator list`\n$/);
  const bad = await cli('operator', 'add', 'no spaces', '--name', 'x');
  t.equal(bad.code, 2);
  t.match(bad.err, /^certgate: "no spaces" is not a valid operator id; use 1-64 letters/);
  const noName = await cli('operator', 'add', 'x');
  t.equal(noName.code, 2);
  t.match(noName.err, /^certgate: required option '--name <name>' not specified; run `certgate operator add --help` for usage\n$/);
});

t.test('audit list: table, JSON, --since, --limit', async (t) => {
  await redis.del(keys.audit);
  const audit = new AuditLog(redis);
  await audit.append({ action: 'login.fail', actor: 'taro', target: 'taro', source: 'gateway', detail: { reason: 'wrong-password', password: 'hunter2' } });
  await cli('operator', 'add', 'gamma', '--name', 'Gamma');
  const table = await cli('audit', 'list');
  t.equal(table.code, 0);
  t.match(table.out, /TIME\s+SOURCE\s+ACTOR\s+ACTION\s+TARGET\s+DETAIL/);
  t.match(table.out, /gateway\s+taro\s+login\.fail\s+taro\s+reason=wrong-password/);
  t.notMatch(table.out, /hunter2/, 'secret-looking details are never stored');
  const json = (await cli('audit', 'list', '--json')).json<Array<Record<string, unknown>>>();
  t.equal(json.length, 2);
  t.match(json[1], { action: 'operator.add', actor: userInfo().username, source: 'cli', target: 'gamma', detail: { name: 'Gamma' } });
  t.same((await cli('audit', 'list', '--json', '--limit', '1')).json<Array<{ action: string }>>().map((e) => e.action), ['operator.add'], 'newest N');
  t.same((await cli('audit', 'list', '--json', '--since', '2999-01-01')).json(), []);
  t.equal((await cli('audit', 'list', '--json', '--since', '1d')).json<unknown[]>().length, 2);
  t.equal((await cli('audit', 'list', '--json', '--since', new Date(Date.now() - 60_000).toISOString())).json<unknown[]>().length, 2);
  const bad = await cli('audit', 'list', '--limit', '0');
  t.equal(bad.code, 2);
  t.match(bad.err, /--limit "0" must be a whole number from 1/);
  t.equal((await cli('audit', 'list', '--since', 'yesterday')).code, 2);
});
