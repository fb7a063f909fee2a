// Sessions are touched only by accepted requests: a request refused by the certificate gate or by
// maintenance neither refreshes the idle timer nor ends anyone's session; a certificate moved to
// another operator ends its sessions (serial add --replace) and is refused per request anyway.
import t from 'tap';
import { startStack, testClock, OPERATOR, type Stack } from '../helpers/stack.js';
import { cliFor } from '../helpers/cli.js';
import { keys } from '../../src/store/keys.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { encodeRegistration } from '../../src/registry/registration.js';

const clock = testClock();
let stack: Stack;
t.before(async () => {
  stack = await startStack({ clock: clock.now, env: { CERTGATE_SESSION_IDLE_TIMEOUT: '30m' } });
  await stack.redis.client().hset(keys.operators, 'OTHER', JSON.stringify({ name: 'Other operator', createdAt: Date.now() }));
});
t.teardown(() => stack.close());

const MIN = 60_000;
const lastSeen = async (userId: string) => stack.redis.client().hget(keys.session(userId), 'lastSeen');

t.test('a stolen cookie with an unregistered certificate: refused, and the session lives on untouched', async (t) => {
  const password = await stack.createUser('victim');
  const cookie = await stack.login('demo', 'victim', password);
  const seen = await lastSeen('victim');
  clock.advance(10 * MIN);
  for (const client of ['unregistered', 'expired'] as const) {
    const refused = await stack.request(client, '/', { cookie });
    t.equal(refused.status, 403, client);
    t.equal(refused.page, 'login-error');
  }
  t.equal((await stack.request('unregistered', '/auth/cert', { cookie })).status, 200, '/auth/cert shows the certificate');
  t.equal(await stack.redis.client().exists(keys.session('victim')), 1, 'the session was not ended');
  t.equal(await lastSeen('victim'), seen, 'nor refreshed');
  t.equal((await stack.request('demo', '/', { cookie })).status, 200, "the victim's own requests still work");
});

t.test('maintenance: refused requests do not keep a session alive', async (t) => {
  const password = await stack.createUser('idler');
  const cookie = await stack.login('demo', 'idler', password);
  const seen = await lastSeen('idler');
  await stack.redis.client().hset(keys.maintenance, 'on', '1', 'since', String(Date.now()));
  clock.advance(20 * MIN);
  t.equal((await stack.request('demo', '/', { cookie })).status, 503);
  t.equal(await lastSeen('idler'), seen, 'lastSeen unchanged');
  await stack.redis.client().del(keys.maintenance);
  clock.advance(11 * MIN);
  const idle = await stack.request('demo', '/', { cookie });
  t.equal(idle.status, 401, '31 minutes after the last accepted request the session is idle');
  t.equal(idle.reason, 'idle');
});

t.test('accepted requests refresh the idle timer (injected time, no waiting)', async (t) => {
  const password = await stack.createUser('active');
  const cookie = await stack.login('demo', 'active', password);
  for (let i = 0; i < 3; i++) {
    clock.advance(20 * MIN);
    t.equal((await stack.request('demo', '/', { cookie })).status, 200, `${(i + 1) * 20} min, active every 20 min`);
  }
  t.equal(await lastSeen('active'), String(clock.now()));
});

t.test('serial add --replace to another operator ends the sessions bound to that certificate', async (t) => {
  const cli = cliFor({ REDIS_URL: stack.redis.url, CERTGATE_CLIENT_CA: stack.pki.file('ca.crt'), USER: 'tester' });
  t.equal((await cli('serial', 'add', '--cert', stack.pki.file('demo.crt'), '--operator', OPERATOR, '--replace')).code, 0, 'the registration as the CLI writes it');
  const password = await stack.createUser('mover');
  const cookie = await stack.login('demo', 'mover', password);
  const same = await cli('serial', 'add', '--cert', stack.pki.file('demo.crt'), '--operator', OPERATOR, '--replace');
  t.equal(same.code, 0, same.err);
  t.notMatch(same.out, /session/, 'nothing changed, nothing ended');
  t.equal((await stack.request('demo', '/', { cookie })).status, 200, 'an unchanged registration keeps the session');
  const moved = await cli('serial', 'add', '--cert', stack.pki.file('demo.crt'), '--operator', 'OTHER', '--replace');
  t.equal(moved.code, 0, moved.err);
  t.match(moved.out, /1 session\(s\) bound to it ended/);
  t.equal(await stack.redis.client().exists(keys.session('mover')), 0);
  const after = await stack.request('demo', '/', { cookie });
  t.equal(after.status, 401);
  await stack.register('demo', OPERATOR);
});

t.test('per request: a session whose operator differs from the registration is refused', async (t) => {
  const password = await stack.createUser('drifter');
  const cookie = await stack.login('demo', 'drifter', password);
  // The registry changed behind the CLI's back (another tool, a restore): the request path still refuses.
  const facts = readCertificate(stack.pki.clients.demo.der);
  await stack.redis
    .client()
    .set(keys.registration(facts.issuerId, facts.serial), encodeRegistration({ issuerId: facts.issuerId, serial: facts.serial, operatorId: 'OTHER', addedAt: Date.now() }));
  const res = await stack.request('demo', '/', { cookie });
  t.equal(res.status, 401);
  t.equal(res.page, 'session-timeout');
  t.equal(res.reason, 'cert-changed');
  t.equal(stack.upstream.received.filter((r) => r.headers['x-certgate-user'] === 'drifter').length, 0, 'nothing proxied');
  t.equal(await stack.redis.client().exists(keys.session('drifter')), 0, 'the session ended');
  await stack.register('demo', OPERATOR);
});
