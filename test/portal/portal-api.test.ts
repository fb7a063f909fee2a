// The portal's JSON API behind the gateway: an `api` certificate gets the notices for its operator
// over real TLS, end to end; the portal itself answers the API only for `api` identities and its
// pages only for `web` ones, and every refusal under the prefix is problem+json.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { createLogger } from '../../src/log/logger.js';
import { createPortalApp } from '../../src/portal/app.js';
import { randomUUID } from 'node:crypto';
import { apiIdentityHeaders, signUpstreamHeaders, webIdentityHeaders, type Identity } from '../../src/proxy/assertion.js';
import { deriveKeys } from '../../src/config/derived-keys.js';
import { CONTENT_DIR } from '../helpers/browser.js';
import { startStack, TEST_SECRET, type Stack } from '../helpers/stack.js';
import { problemOf, registerFor } from '../helpers/api.js';

const KEY = deriveKeys(Buffer.from(TEST_SECRET)).assertion;
const app = createPortalApp({ assertionKey: KEY, contentDir: CONTENT_DIR, logger: createLogger({ level: 'silent' }), apiPrefix: '/api/' });
const server: Server = createServer(app.callback());
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
let stack: Stack;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_API_PREFIX: '/api/' }, register: ['demo'], upstreamUrl: base });
});
t.teardown(async () => {
  await stack.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

interface NoticeList {
  operator: string;
  certificate: { serial: string; notAfter: string };
  total: number;
  notices: Array<{ id: string; date: string; category: string; title: { ja: string; en: string }; url: string }>;
}

t.test('GET /api/v1/notices through the gateway with an api certificate', async (t) => {
  const cert = stack.pki.issueClient({ commonName: 'notices reader' });
  await registerFor(stack, cert, 'api');
  const res = await stack.request(cert, '/api/v1/notices');
  t.equal(res.status, 200);
  t.match(String(res.headers['content-type']), /^application\/json/);
  const body = JSON.parse(res.body) as NoticeList;
  t.equal(body.operator, 'DEMO', 'answered for the operator the certificate is registered to');
  t.equal(body.certificate.serial, cert.serial);
  t.ok(body.total >= 6 && body.notices.length > 0);
  const dates = body.notices.map((n) => n.date);
  t.same(dates, [...dates].sort().reverse(), 'newest first');
  t.match(body.notices[0], { id: String, category: String, title: { ja: String, en: String }, url: /^\/notices\// });

  const missing = await stack.request(cert, '/api/v1/nothing-here');
  t.equal(missing.status, 404);
  t.equal(problemOf(missing).reason, 'not-found', "the portal's own 404 under the prefix is a problem too");
  t.equal((await stack.request('demo', '/api/v1/notices')).status, 403, 'a browser certificate cannot read it');
});

const id = (client: 'web' | 'api'): Identity => ({
  client,
  user: client === 'web' ? 'yamada' : '',
  userName: client === 'web' ? '山田' : '',
  operator: 'E0001',
  roles: client === 'web' ? ['operator-staff'] : [],
  certSerial: '0A1B',
  certNotAfter: new Date(Date.now() + 86_400_000 * 300).toISOString(),
});

/** Headers as the gateway signs them for a GET of `path` (a fresh request id each time). */
const identityHeaders = (path: string, identity: Identity): Record<string, string> =>
  signUpstreamHeaders(
    KEY,
    { method: 'GET', target: path, requestId: randomUUID(), forwardedFor: '127.0.0.1', forwardedHost: 'portal.test:8443', forwardedProto: 'https' },
    identity.client === 'api' ? apiIdentityHeaders(identity) : webIdentityHeaders(identity),
  );

t.test('the portal keeps API and pages apart on its own', async (t) => {
  const api = await fetch(`${base}/api/v1/notices`, { headers: identityHeaders('/api/v1/notices', id('api')) });
  t.equal(api.status, 200);
  t.equal(((await api.json()) as NoticeList).operator, 'E0001');

  const web = await fetch(`${base}/api/v1/notices`, { headers: identityHeaders('/api/v1/notices', id('web')) });
  t.equal(web.status, 403, 'a session identity does not get the API');
  t.match(web.headers.get('content-type'), /^application\/problem\+json/);
  t.match(await web.json(), { reason: 'cert-wrong-usage', status: 403 });

  const none = await fetch(`${base}/api/v1/notices`);
  t.equal(none.status, 401);
  t.match(await none.json(), { reason: 'unauthorized', status: 401 });

  // Taking the client header off an api assertion breaks it (the MAC covers it).
  const stripped = identityHeaders('/api/v1/notices', id('api'));
  delete stripped['x-certgate-client'];
  t.equal((await fetch(`${base}/api/v1/notices`, { headers: stripped })).status, 401);

  const page = await fetch(`${base}/registration`, { headers: identityHeaders('/registration', id('api')) });
  t.equal(page.status, 401, 'an api identity gets no page');
  t.match(await page.text(), /data-page="unauthorized"/);
  t.equal((await fetch(`${base}/registration`, { headers: identityHeaders('/registration', id('web')) })).status, 200);
});
