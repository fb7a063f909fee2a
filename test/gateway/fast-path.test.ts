// The proxied fast path and its per-socket caches (verified cookie, identity headers), all on ONE
// keep-alive TLS connection: every change of session, user, registration or maintenance takes effect
// on the very next request, a forged cookie is never served from the cache, and failures still end
// on the koa chain's pages (store outage 503, upstream down 502) — fail closed.
import t from 'tap';
import { Agent } from 'node:https';
import { startStack, testClock, OPERATOR, type Stack } from '../helpers/stack.js';
import { cliFor } from '../helpers/cli.js';
import { keys } from '../../src/store/keys.js';
import { readCertificate } from '../../src/tls/certificate.js';

const clock = testClock();
let stack: Stack;
let agent: Agent;
/** Client port of the connection each request path arrived on (one port = one TLS connection). */
const portOf = new Map<string, number | undefined>();

t.before(async () => {
  stack = await startStack({ clock: clock.now, env: { CERTGATE_API_PREFIX: '/api/' } });
  stack.gateway.server.on('request', (req: { url?: string; socket: { remotePort?: number } }) => void portOf.set(req.url ?? '', req.socket.remotePort));
  const client = stack.pki.clients.demo;
  agent = new Agent({ keepAlive: true, maxSockets: 1, cert: client.certPem, key: client.keyPem, ca: stack.pki.ca.certPem });
});
t.teardown(async () => {
  agent.destroy();
  await stack.close();
});

const get = (path: string, cookie: string) => stack.request('demo', path, { cookie, agent });
const lastUpstream = () => stack.upstream.received.at(-1)!;

t.test('a changed cookie on the same socket is verified again; a forged one never reaches the upstream', async (t) => {
  const password = await stack.createUser('kato', { name: '加藤' });
  const cookie = await stack.login('demo', 'kato', password);
  t.equal((await get('/a', cookie)).status, 200);
  t.equal(lastUpstream().headers['x-certgate-user'], 'kato');
  const received = stack.upstream.received.length;
  // Same user id and sid, last MAC character changed: the cached verdict of the real cookie must not apply.
  const forged = cookie.replace(/(__Host-certgate-session=[^;]*)(.)$/, (_m, head: string, last: string) => head + (last === 'A' ? 'B' : 'A'));
  t.not(forged, cookie);
  const refused = await get('/b', forged);
  t.equal(refused.status, 303, 'forged cookie: to the login page');
  t.match(String(refused.headers.location), /^\/auth\/login/);
  t.equal(stack.upstream.received.length, received, 'nothing proxied');
  t.equal((await get('/c', cookie)).status, 200, 'the real cookie again');
  t.same(new Set(['/a', '/b', '/c'].map((p) => portOf.get(p))).size, 1, 'all on one TLS connection');
});

t.test('a browser session cookie on an API path takes the API route, never the proxied fast path', async (t) => {
  const password = await stack.createUser('oda');
  const cookie = await stack.login('demo', 'oda', password);
  t.equal((await get('/portal', cookie)).status, 200, 'the session works on the portal');
  const received = stack.upstream.received.length;
  for (const path of ['/api/v1/notices', '/api']) {
    const res = await get(path, cookie);
    t.equal(res.status, 403, path);
    t.match(String(res.headers['content-type']), /application\/problem\+json/);
    t.match(res.body, /cert-wrong-usage/);
  }
  t.equal(stack.upstream.received.length, received, 'nothing proxied');
});

t.test('?lang= on a proxied page still sets the language cookie, as on every page', async (t) => {
  const password = await stack.createUser('abe');
  const cookie = await stack.login('demo', 'abe', password);
  const res = await get('/notices?lang=en', cookie);
  t.equal(res.status, 200);
  t.match(String(res.headers['set-cookie']), /lang=en/);
  t.equal(lastUpstream().url, '/notices?lang=en');
  const plain = await get('/notices', cookie);
  t.equal(plain.headers['set-cookie'], undefined, 'no cookie without the parameter');
});

t.test('the cached identity headers follow the session record', async (t) => {
  const password = await stack.createUser('ito', { name: '伊藤', roles: ['operator-staff'] });
  const cookie = await stack.login('demo', 'ito', password);
  t.equal((await get('/x', cookie)).status, 200);
  t.equal(lastUpstream().headers['x-certgate-roles'], 'operator-staff');
  t.equal(decodeURIComponent(String(lastUpstream().headers['x-certgate-user-name'])), '伊藤');
  // The session hash is the record the request path reads: a change there shows on the next request.
  await stack.redis.client().hset(keys.session('ito'), 'name', '伊藤 一郎', 'roles', 'operator-admin');
  t.equal((await get('/y', cookie)).status, 200);
  t.equal(decodeURIComponent(String(lastUpstream().headers['x-certgate-user-name'])), '伊藤 一郎');
  t.equal(lastUpstream().headers['x-certgate-roles'], 'operator-admin');
});

t.test('kill, maintenance and serial removal take effect on the next request of the same connection', async (t) => {
  const cli = cliFor({ REDIS_URL: stack.redis.url, CERTGATE_CLIENT_CA: stack.pki.file('ca.crt'), USER: 'tester' });
  const password = await stack.createUser('endo');
  let cookie = await stack.login('demo', 'endo', password);
  t.equal((await get('/1', cookie)).status, 200);

  t.equal((await cli('maintenance', 'on')).code, 0);
  const maintenance = await get('/2', cookie);
  t.equal(maintenance.status, 503);
  t.equal(maintenance.page, 'maintenance');
  t.equal((await cli('maintenance', 'off')).code, 0);
  t.equal((await get('/3', cookie)).status, 200, 'maintenance over');

  t.equal((await cli('session', 'kill', 'endo')).code, 0);
  const killed = await get('/4', cookie);
  t.equal(killed.status, 401, 'killed session: refused at once');
  t.equal(killed.page, 'session-timeout');

  cookie = await stack.login('demo', 'endo', password);
  t.equal((await get('/5', cookie)).status, 200);
  const removed = await cli('serial', 'remove', readCertificate(stack.pki.clients.demo.der).serial);
  t.equal(removed.code, 0, removed.err);
  const unregistered = await get('/6', cookie);
  t.equal(unregistered.status, 403);
  t.equal(unregistered.reason, 'cert-unregistered');
  await stack.register('demo', OPERATOR);
  t.equal(new Set(['/1', '/2', '/3', '/4', '/5', '/6'].map((p) => portOf.get(p))).size, 1, 'all on one TLS connection');
});

t.test('an idle session ends exactly at the idle timeout, on the same connection', async (t) => {
  const password = await stack.createUser('mori');
  const cookie = await stack.login('demo', 'mori', password);
  t.equal((await get('/p', cookie)).status, 200);
  clock.advance(stack.config.session.idleTimeoutMs + 1);
  const idle = await get('/q', cookie);
  t.equal(idle.status, 401);
  t.equal(idle.reason, 'idle');
});

t.test('fail closed: store outage is the 503 page, a dead upstream the 502 page', async (t) => {
  const password = await stack.createUser('ueda');
  const cookie = await stack.login('demo', 'ueda', password);
  t.equal((await get('/ok', cookie)).status, 200);
  const upstreamPort = stack.upstream.port;
  await stack.upstream.close();
  const down = await get('/down', cookie);
  t.equal(down.status, 502, `upstream on port ${upstreamPort} is gone`);
  t.equal(down.page, 'system-error');
  t.equal(down.reason, 'upstream-refused');
  t.equal(stack.logs.filter((l) => l.msg === 'request' && l.path === '/down').length, 1, 'one log line for the request');

  await stack.redis.stop();
  const outage = await get('/outage', cookie);
  t.equal(outage.status, 503);
  t.equal(outage.reason, 'store-unavailable');
});
