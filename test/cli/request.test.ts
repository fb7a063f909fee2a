// `certgate request …` against a real redis-server: human and JSON output, usage errors (exit 2),
// unknown ids (exit 1), and the audit entries the CLI writes with the OS user as actor.
import t from 'tap';
import { AuditLog } from '../../src/audit/audit-log.js';
import { ApplicationService } from '../../src/applications/application-service.js';
import { ApplicationStore } from '../../src/applications/application-store.js';
import { Registry } from '../../src/registry/registry.js';
import { keys } from '../../src/store/keys.js';
import { cliFor } from '../helpers/cli.js';
import { testPki } from '../helpers/pki.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

let redis: RedisServer;
let cli: ReturnType<typeof cliFor>;
let service: ApplicationService;

t.before(async () => {
  redis = await startRedis();
  const pki = testPki();
  cli = cliFor({ REDIS_URL: redis.url, CERTGATE_CLIENT_CA: pki.file('ca.crt'), SUDO_USER: 'ops-alice' });
  const r = redis.client();
  await r.hset(keys.operators, 'E0001', JSON.stringify({ name: 'E0001', createdAt: Date.now() }));
  const audit = new AuditLog(r);
  service = new ApplicationService(new ApplicationStore(r), new Registry(r, audit), pki.trustedCas, audit);
});
t.teardown(() => redis.stop());

t.test('empty, then a human table and a readable show', async (t) => {
  const empty = await cli('request', 'list');
  t.equal(empty.code, 0);
  t.equal(empty.out, 'no applications yet\n');
  t.equal((await cli('request', 'list', '--state', 'approved')).out, 'no approved applications\n');
  const app = await service.applyRegistration({ operatorId: 'E0001', applicant: 'yamada', manual: [{ serial: '0a:1b:2c', notAfter: '2030-03-31', label: '経理部 PC' }] }, { actor: 'yamada', source: 'gateway' }, Date.now());
  const list = await cli('request', 'list');
  t.match(list.out, /^ID\s+OPERATOR\s+KIND\s+STATE\s+CERTS\s+APPLICANT\s+SUBMITTED\n/);
  t.match(list.out, new RegExp(`${app.id}\\s+E0001\\s+registration\\s+pending\\s+1\\s+yamada`));
  const show = await cli('request', 'show', app.id);
  t.match(show.out, /application:\s+A\d{8}-/);
  t.match(show.out, /0a 1b 2c\s+-\s+2030-03-31\s+経理部 PC/);
  t.match(show.out, /submitted\s+yamada/);
  const json = (await cli('request', 'show', app.id, '--json')).json<{ state: string; certificates: Array<{ displaySerial: string }> }>();
  t.equal(json.state, 'pending');
  t.equal(json.certificates[0]!.displaySerial, '0a 1b 2c');

  const rej = await cli('request', 'reject', app.id, '--reason', '書類不備');
  t.equal(rej.code, 0);
  t.equal(rej.out, `rejected ${app.id} (E0001): 書類不備\n`);
  const shown = await cli('request', 'show', app.id);
  t.match(shown.out, /state:\s+rejected \(書類不備\)/);
  t.match(shown.out, /decided:.*by ops-alice/);
  const entries = await new AuditLog(redis.client()).list();
  t.ok(entries.some((e) => e.action === 'application.reject' && e.actor === 'ops-alice' && e.source === 'cli' && e.detail.operator === 'E0001'));
});

t.test('usage errors exit 2 with one line; runtime failures exit 1', async (t) => {
  const bad = await cli('request', 'approve', 'A1');
  t.equal(bad.code, 2);
  t.equal(bad.err.split('\n').filter(Boolean).length, 1);
  t.match(bad.err, /is not an application id/);
  const long = await cli('request', 'reject', 'A20260101-000000', '--reason', 'x'.repeat(501));
  t.equal(long.code, 2);
  const missing = await cli('request', 'reject', 'A20260101-000000', '--reason', 'no');
  t.equal(missing.code, 1);
  t.match(missing.err, /does not exist/);
  t.equal((await cli('request')).code, 2);
});
