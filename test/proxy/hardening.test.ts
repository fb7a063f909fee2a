// Attacks on the proxy edge, over real TLS: a captured assertion replayed to the portal, WSGI-style
// underscore headers, Expect, a client-chosen Host, absolute-form and odd targets, dot segments, and
// the gateway's page headers leaking into the portal's responses.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { startStack, TEST_SECRET, type Stack } from '../helpers/stack.js';
import { rawRequest } from '../helpers/raw-tls.js';
import { signedHeaders } from '../helpers/assertion.js';
import { checkAssertion } from '../../src/proxy/assertion.js';
import { deriveKeys } from '../../src/config/derived-keys.js';
import { createPortalApp } from '../../src/portal/app.js';
import { createLogger } from '../../src/log/logger.js';
import { normaliseTarget } from '../../src/gateway/middleware/request-target.js';
import { Upstream } from '../../src/proxy/upstream.js';

let stack: Stack;
let cookie: string;
const KEY = deriveKeys(Buffer.from(TEST_SECRET)).assertion;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_PUBLIC_HOST: 'portal.example.jp' } });
  const password = await stack.createUser('hana', { name: '花子' });
  cookie = await stack.login('demo', 'hana', password);
});
t.teardown(() => stack.close());

const last = () => stack.upstream.received[stack.upstream.received.length - 1]!;
const asSent = (h: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).filter(([n]) => n.startsWith('x-certgate-') || n.startsWith('x-forwarded-') || n === 'x-request-id')) as Record<string, string>;

t.test('the assertion binds method, target, request id and forwarded values', async (t) => {
  t.equal((await stack.request('demo', '/x?y=1', { cookie })).status, 200);
  const got = last();
  t.match(String(got.headers['x-certgate-assertion']), /^v2\.\d+\.[A-Za-z0-9_-]{43}$/);
  const headers = got.headers as Record<string, string>;
  t.ok(checkAssertion(KEY, { method: 'GET', url: '/x?y=1', headers }), 'verifies for this request');
  t.notOk(checkAssertion(Buffer.from(TEST_SECRET), { method: 'GET', url: '/x?y=1', headers }), 'not with the raw secret: keys are derived per purpose');
  t.notOk(checkAssertion(KEY, { method: 'GET', url: '/me', headers }), 'another path');
  t.notOk(checkAssertion(KEY, { method: 'POST', url: '/x?y=1', headers }), 'another method');
  t.notOk(checkAssertion(KEY, { method: 'GET', url: '/x?y=2', headers }), 'another query');
  for (const name of ['x-request-id', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-certgate-roles']) {
    t.notOk(checkAssertion(KEY, { method: 'GET', url: '/x?y=1', headers: { ...headers, [name]: 'changed' } }), `${name} changed`);
  }
  t.notOk(checkAssertion(KEY, { method: 'GET', url: '/x?y=1', headers: { ...headers, 'x-certgate-client': 'api' } }), 'an added identity header');
  t.notOk(checkAssertion(KEY, { method: 'GET', url: '/x?y=1', headers }, Date.now() + 31_000), 'past the 30 s window');
});

t.test('the portal, holding only the assertion key, accepts a request once and refuses replays', async (t) => {
  t.equal((await stack.request('demo', '/me', { cookie })).status, 200);
  const captured = asSent(last().headers);
  let clock = Date.now();
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const app = createPortalApp({ assertionKey: KEY, contentDir: t.testdir({ notices: {} }), logger: createLogger({ level: 'silent' }, quiet), now: () => clock });
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => new Promise((r) => server.close(r)));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.equal((await fetch(`${base}/me`, { headers: captured })).status, 200, 'first use');
  t.equal((await fetch(`${base}/me`, { headers: captured })).status, 401, 'the same request id again');
  t.equal((await fetch(`${base}/`, { headers: captured })).status, 401, 'the headers of /me replayed to another path');
  const identity = { user: 'hana', userName: '花子', operator: 'DEMO', roles: ['operator-staff'], certSerial: '01', certNotAfter: new Date(clock + 1e10).toISOString() };
  const fresh = signedHeaders(KEY, 'GET', '/', identity, clock);
  clock += 31_000;
  t.equal((await fetch(`${base}/`, { headers: fresh })).status, 401, 'older than CERTGATE_ASSERTION_MAX_AGE');
  t.equal((await fetch(`${base}/`, { headers: signedHeaders(KEY, 'GET', '/', identity, clock) })).status, 200);
});

t.test('underscore headers, Expect and a client Host never reach the upstream', async (t) => {
  const body = 'b'.repeat(2048);
  const res = await stack.request('demo', '/upload', {
    method: 'POST',
    cookie,
    body,
    headers: {
      'content-type': 'text/plain',
      Expect: '100-continue',
      X_Certgate_User: 'admin',
      'X-Certgate_Roles': 'operator-admin',
      X_Forwarded_For: '203.0.113.9',
      Some_Header: 'x',
      Host: 'evil.example',
    },
  });
  t.equal(res.status, 200, 'Expect: 100-continue with a 2 KiB body is proxied, not a 500');
  const got = last();
  t.equal(got.body.length, 2048);
  t.equal(got.headers.expect, undefined);
  t.same(Object.keys(got.headers).filter((n) => n.includes('_')), [], 'no header with _ in its name');
  t.equal(got.headers['x-certgate-user'], 'hana');
  t.equal(got.headers['x-forwarded-host'], 'portal.example.jp', 'from CERTGATE_PUBLIC_HOST, not the Host header');
});

t.test('only origin-form targets go upstream; odd methods and targets get a clean 4xx page', async (t) => {
  const client = stack.pki.clients.demo;
  const before = stack.upstream.received.length;
  const send = (line: string) => rawRequest(stack.gateway.port, stack.pki.ca.certPem, client, `${line}\r\nHost: localhost\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
  const absolute = await send('GET http://admin.internal/x HTTP/1.1');
  t.equal(absolute.status, 400, 'absolute-form');
  t.equal(absolute.page, 'system-error');
  t.equal(absolute.reason, 'bad-request');
  t.equal((await send('OPTIONS * HTTP/1.1')).status, 400, 'OPTIONS *');
  const trace = await send('TRACE / HTTP/1.1');
  t.equal(trace.status, 405, 'TRACE');
  t.equal(trace.page, 'system-error');
  const connect = await send('CONNECT admin.internal:80 HTTP/1.1');
  t.equal(connect.status, 405, 'CONNECT');
  t.equal(connect.page, 'system-error');
  t.equal(stack.upstream.received.length, before, 'none of them reached the upstream');

  t.equal((await send('GET /a/b/../../../etc/passwd?x=1 HTTP/1.1')).status, 200);
  t.equal(last().url, '/etc/passwd?x=1', 'dot segments resolved, never above the root');
  t.equal((await send('GET /a/%2e%2e/%2E%2e/b HTTP/1.1')).status, 200);
  t.equal(last().url, '/b', 'encoded dot segments too');
  t.equal((await send('GET /a/..%2f..%2fb HTTP/1.1')).status, 400, 'a dot segment behind an encoded slash is refused');
  t.equal(stack.logs.filter((l) => Number(l.level) >= 50).length, 0, 'no error-level log line');
});

t.test('targets stay under the upstream base path', async (t) => {
  const upstream = new Upstream({ url: new URL('http://127.0.0.1:1/portal/'), timeoutMs: 1000 });
  t.teardown(() => upstream.close());
  for (const raw of ['/../admin', '/x/../../admin', '/%2e%2e/admin', '/.%2e/admin', '/x\\..\\..\\admin']) {
    const v = normaliseTarget('GET', raw);
    if (v.ok) t.ok(upstream.targetFor(v.target).startsWith('/portal/'), `${raw} → ${upstream.targetFor(v.target)}`);
    else t.equal(v.status, 400, `${raw} refused`);
  }
  t.same(normaliseTarget('GET', '//evil.example/x'), { ok: true, target: '//evil.example/x' }, 'a double slash stays a path');
});

t.test("proxied responses keep the upstream's own headers; the gateway's page policy stays off them", async (t) => {
  const own = await stack.request('demo', '/own-headers', { cookie });
  t.equal(own.status, 200);
  t.equal(own.headers['content-security-policy'], "default-src 'self'; script-src 'self' 'unsafe-inline'");
  t.equal(own.headers['x-frame-options'], 'SAMEORIGIN');
  t.equal(own.headers['referrer-policy'], 'no-referrer');
  const plain = await stack.request('demo', '/plain', { cookie });
  t.equal(plain.headers['content-security-policy'], undefined, "the gateway's CSP is for its own pages only");
  t.equal(plain.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', 'HSTS from the TLS terminator');
  const page = await stack.request('demo', '/auth/login');
  t.match(String(page.headers['content-security-policy']), /default-src 'none'/, 'gateway pages keep theirs');
});
