// Certificate-only API routes over real TLS: an `api` certificate reaches the upstream with the
// operator's signed identity and no session; web/api swaps are refused both ways; every refusal
// under the prefix is problem+json with the pages' reason codes.
import t from 'tap';
import { checkAssertion, identityOf } from '../../src/proxy/assertion.js';
import type { ReceivedRequest } from '../helpers/upstream-stub.js';
import { MaintenanceStore } from '../../src/maintenance/maintenance-store.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { testPki } from '../helpers/pki.js';
import { problemOf, registerFor } from '../helpers/api.js';

const pki = testPki();
const apiCert = pki.issueClient({ commonName: 'market system (api)' });
let stack: Stack;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_API_PREFIX: '/api/', CERTGATE_CRL: pki.file('crl.pem'), CERTGATE_API_RATE: '1000/s' }, register: ['demo'] });
  await registerFor(stack, apiCert, 'api');
});
t.teardown(() => stack.close());

const last = () => stack.upstream.received.at(-1)!;
/** The identity the upstream can verify with the assertion key alone. */
const verifyIdentity = (got: ReceivedRequest) => {
  const checked = checkAssertion(stack.config.keys.assertion, { method: got.method, url: got.url, headers: got.headers as Record<string, string> });
  return checked ? identityOf(checked) : undefined;
};

t.test('an api certificate alone reaches the upstream with the operator identity', async (t) => {
  const before = stack.upstream.received.length;
  const res = await stack.request(apiCert, '/api/v1/notices?since=2026-01-01', {
    headers: { 'x-certgate-user': 'forged', 'x-certgate-client': 'web', 'x-certgate-operator': 'OTHER', accept: 'application/json' },
  });
  t.equal(res.status, 200, 'no session, no cookie, no password');
  t.equal(stack.upstream.received.length, before + 1);
  const got = last();
  t.equal(got.url, '/api/v1/notices?since=2026-01-01');
  t.equal(got.headers['x-certgate-client'], 'api');
  t.equal(got.headers['x-certgate-operator'], 'DEMO', 'the registration’s operator, not the client’s header');
  t.equal(got.headers['x-certgate-cert-serial'], apiCert.serial);
  t.match(String(got.headers['x-certgate-cert-not-after']), /^\d{4}-\d{2}-\d{2}T/);
  t.equal(got.headers['x-certgate-user'], undefined, 'no person behind an API request');
  t.equal(got.headers['x-certgate-roles'], undefined);
  t.type(got.headers['x-request-id'], 'string');
  const identity = verifyIdentity(got);
  t.match(identity, { client: 'api', operator: 'DEMO', certSerial: apiCert.serial, user: '' }, 'the same signed assertion as browser requests');

  // POST without any CSRF token: bodies stream through like on browser routes.
  const posted = await stack.request(apiCert, '/api/v1/bids', { method: 'POST', body: '{"mw":10}', headers: { 'content-type': 'application/json' } });
  t.equal(posted.status, 200);
  t.equal(last().body, '{"mw":10}');
  t.equal(last().method, 'POST');
});

t.test('a web certificate on the API and an api certificate on browser routes: cert-wrong-usage', async (t) => {
  const before = stack.upstream.received.length;
  const web = await stack.request('demo', '/api/v1/notices');
  t.equal(web.status, 403);
  t.same(problemOf(web), {
    type: 'about:blank',
    title: 'Forbidden',
    status: 403,
    reason: 'cert-wrong-usage',
    detail: problemOf(web).detail,
  });
  t.notMatch(web.body, /<html/i, 'no HTML');
  for (const path of ['/', '/registration', '/auth/login', '/auth/password', '/auth/nope']) {
    const res = await stack.request(apiCert, path);
    t.equal(res.status, 403, `api certificate on ${path}`);
    t.equal(res.page, 'login-error');
    t.equal(res.reason, 'cert-wrong-usage');
  }
  // The login form refuses before any password is checked.
  const post = await stack.request(apiCert, '/auth/login', { method: 'POST', body: 'userId=x&password=y&_csrf=z' });
  t.equal(post.reason, 'cert-wrong-usage');
  t.equal(stack.upstream.received.length, before, 'nothing reached the upstream');
  const info = await stack.request(apiCert, '/auth/cert?lang=en');
  t.equal(info.page, 'cert-info', '/auth/cert still describes the certificate');
  t.match(info.body, /data-usage="api"/);
  t.match((await stack.request('demo', '/auth/cert')).body, /data-usage="web"/);
});

t.test('every refusal under the prefix is problem+json with the page reason codes', async (t) => {
  const before = stack.upstream.received.length;
  const unregistered = pki.issueClient({ commonName: 'never registered' });
  const cases = [
    [undefined, 'cert-missing'],
    ['foreign', 'cert-untrusted'],
    ['expired', 'cert-expired'],
    ['not-yet-valid', 'cert-not-yet-valid'],
    ['revoked', 'cert-revoked'],
    [unregistered, 'cert-unregistered'],
  ] as const;
  for (const [client, reason] of cases) {
    const res = await stack.request(client, '/api/v1/notices');
    t.equal(res.status, 403, reason);
    const p = problemOf(res);
    t.same(Object.keys(p).sort(), ['detail', 'reason', 'status', 'title', 'type']);
    t.equal(p.reason, reason);
    t.equal(p.status, 403);
    t.equal(res.headers['cache-control'], 'no-store');
  }
  const en = problemOf(await stack.request(unregistered, '/api/x', { headers: { 'accept-language': 'en' } }));
  t.match(en.detail, /not registered.*\(serial [0-9a-f ]+\)/, 'English detail with the serial');
  const ja = problemOf(await stack.request(unregistered, '/api/x'));
  t.match(ja.detail, /登録されていません/, 'Japanese by default');

  const dots = await stack.request(apiCert, '/api/../registration');
  t.equal(dots.status, 400);
  t.equal(problemOf(dots).reason, 'bad-request');
  t.equal(problemOf(await stack.request(apiCert, '/api/%2e%2e/me')).reason, 'bad-request');
  t.equal(stack.upstream.received.length, before, 'nothing reached the upstream');
});

t.test('maintenance: 503 problem with Retry-After and the message', async (t) => {
  const maintenance = new MaintenanceStore(stack.redis.client());
  await maintenance.on('定期メンテナンス 02:00–06:00');
  t.teardown(() => maintenance.off());
  const res = await stack.request(apiCert, '/api/v1/notices');
  t.equal(res.status, 503);
  t.equal(res.headers['retry-after'], '300');
  const p = problemOf(res);
  t.equal(p.reason, 'maintenance');
  t.match(p.detail, /定期メンテナンス 02:00–06:00/);
  // The certificate gate still comes first.
  t.equal(problemOf(await stack.request('demo', '/api/v1/notices')).reason, 'cert-wrong-usage');
});

t.test('an empty CERTGATE_API_PREFIX disables the API routes', async (t) => {
  const plain = await startStack({ env: { CERTGATE_API_PREFIX: '' }, register: ['demo'] });
  t.teardown(() => plain.close());
  const res = await plain.request('demo', '/api/v1/notices');
  t.equal(res.status, 303, 'an ordinary browser path: to the login page');
  await registerFor(plain, apiCert, 'api');
  t.equal((await plain.request(apiCert, '/api/v1/notices')).reason, 'cert-wrong-usage', 'and api certificates open nothing');
});

t.test('API requests are counted by usage and outcome and logged with the operator', async (t) => {
  await stack.request(apiCert, '/api/v1/notices');
  const metrics = await fetch(`http://127.0.0.1:${stack.gateway.opsPort}/metrics`).then((r) => r.text());
  t.match(metrics, /certgate_requests_by_usage_total\{usage="api",outcome="proxied"\} [1-9]/);
  t.match(metrics, /certgate_requests_by_usage_total\{usage="api",outcome="cert-wrong-usage"\} [1-9]/);
  t.match(metrics, /certgate_requests_by_usage_total\{usage="web",outcome="cert-wrong-usage"\} [1-9]/);
  const line = stack.logs.findLast((l) => l.client === 'api' && l.outcome === 'proxied');
  t.match(line, { operator: 'DEMO', serial: apiCert.serial, status: 200 });
});

t.test('upstream refused (502) and too slow (504) are problems too', async (t) => {
  const { freePort } = await import('../helpers/redis-server.js');
  const down = await startStack({ env: { CERTGATE_API_PREFIX: '/api/' }, register: [], upstreamUrl: `http://127.0.0.1:${await freePort()}` });
  t.teardown(() => down.close());
  await registerFor(down, apiCert, 'api');
  const refused = await down.request(apiCert, '/api/v1/notices');
  t.equal(refused.status, 502);
  t.match(problemOf(refused), { status: 502, reason: 'upstream-refused', title: 'Bad Gateway' });

  // The upstream stub answers /slow after 5 s; with the prefix /slow/ that path is an API route.
  const slow = await startStack({ env: { CERTGATE_API_PREFIX: '/slow/', CERTGATE_UPSTREAM_TIMEOUT: '200ms' }, register: [] });
  t.teardown(() => slow.close());
  await registerFor(slow, apiCert, 'api');
  const late = await slow.request(apiCert, '/slow');
  t.equal(late.status, 504);
  t.match(problemOf(late), { status: 504, reason: 'upstream-timeout' });
});

t.test('browser requests carry X-Certgate-Client: web and still need a session', async (t) => {
  const password = await stack.createUser('suzuki');
  const cookie = await stack.login('demo', 'suzuki', password);
  const res = await stack.request('demo', '/registration', { cookie, headers: { 'x-certgate-client': 'api' } });
  t.equal(res.status, 200);
  const got = last();
  t.equal(got.headers['x-certgate-client'], 'web', 'the client cannot choose its kind');
  t.equal(got.headers['x-certgate-user'], 'suzuki');
  t.match(verifyIdentity(got), { client: 'web', user: 'suzuki' });
  // The session cookie opens nothing under the prefix: the certificate decides.
  t.equal(problemOf(await stack.request('demo', '/api/v1/notices', { cookie })).reason, 'cert-wrong-usage');
});
