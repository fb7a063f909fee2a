// CERTGATE_OCSP against a real `openssl ocsp` responder on loopback: answers are cached per
// certificate (one responder request however many requests), `require` fails closed without a good
// answer, `prefer` falls back to the CRL when the responder is away.
import t from 'tap';
import { startStack } from '../helpers/stack.js';
import { startOcspResponder } from '../helpers/ocsp-responder.js';
import { freePort } from '../helpers/redis-server.js';
import { testPki } from '../helpers/pki.js';
import { issueClientCert } from '../../src/tls/pki.js';

const pki = testPki();

t.test('require: the AIA responder decides; no good answer, no entry', async (t) => {
  const port = await freePort();
  const aia = { ocspUrls: [`http://127.0.0.1:${port}/`], organization: 'DEMO' };
  const good = issueClientCert(pki.ca, { commonName: 'ocsp good', ...aia });
  const revoked = issueClientCert(pki.ca, { commonName: 'ocsp revoked', ...aia });
  const unlisted = issueClientCert(pki.ca, { commonName: 'ocsp unknown', ...aia });
  let responder = await startOcspResponder(pki.ca, [{ cert: good }, { cert: revoked, revokedAt: new Date(Date.now() - 60_000) }], { validMinutes: 60, port });
  t.teardown(() => responder.stop());
  const stack = await startStack({ env: { CERTGATE_OCSP: 'require' }, register: ['demo'] });
  t.teardown(() => stack.close());
  for (const c of [good, revoked, unlisted]) await stack.register(c);

  const first = await stack.request(good, '/auth/login');
  t.equal(first.status, 200, 'the first request waits once for the answer');
  for (let i = 0; i < 3; i++) t.equal((await stack.request(good, '/auth/login')).status, 200);
  t.equal(responder.requests(), 1, 'one OCSP request for four requests: the answer is cached until nextUpdate');

  const r = await stack.request(revoked, '/auth/login');
  t.equal(r.status, 403);
  t.equal(r.reason, 'cert-revoked');
  t.equal((await stack.request(unlisted, '/auth/login')).reason, 'cert-revocation-unknown', 'status "unknown" is not good enough');
  t.equal((await stack.request('demo', '/auth/login')).reason, 'cert-revocation-unknown', 'a certificate without a responder cannot pass under require');

  const metrics = await (await fetch(`http://127.0.0.1:${stack.gateway.opsPort}/metrics`)).text();
  t.match(metrics, /certgate_ocsp_fetch_total\{outcome="good"\} 1/);
  t.match(metrics, /certgate_ocsp_fetch_total\{outcome="revoked"\} 1/);
  t.match(metrics, /certgate_ocsp_fetch_total\{outcome="no-responder"\} 1/);

  // Responder down: cached answers still hold, a certificate never seen gets no entry.
  await responder.stop();
  t.equal((await stack.request(good, '/auth/login')).status, 200, 'cached good answer still valid');
  const newcomer = issueClientCert(pki.ca, { commonName: 'ocsp newcomer', ...aia });
  await stack.register(newcomer);
  t.equal((await stack.request(newcomer, '/auth/login')).reason, 'cert-revocation-unknown', 'fails closed when the responder is unreachable');
  responder = await startOcspResponder(pki.ca, [{ cert: newcomer }], { validMinutes: 60, port });
  t.equal((await stack.request(newcomer, '/auth/login')).reason, 'cert-revocation-unknown', 'a failure is not retried on every request (backoff)');
});

t.test('prefer: configured responder, background fetch, CRL fallback', async (t) => {
  const demo = pki.clients.demo;
  const responder = await startOcspResponder(pki.ca, [{ cert: demo, revokedAt: new Date(Date.now() - 60_000) }, { cert: pki.clients['demo-ec'] }]);
  t.teardown(() => responder.stop());
  const stack = await startStack({ env: { CERTGATE_OCSP: 'prefer', CERTGATE_OCSP_URL: responder.url } });
  t.teardown(() => stack.close());
  t.equal((await stack.request('demo', '/auth/login')).status, 200, 'not waited for under prefer: the first request passes on the CRL');
  await stack.gateway.deps.revocation.settled();
  const after = await stack.request('demo', '/auth/login');
  t.equal(after.status, 403, 'once the responder said revoked, the certificate is refused');
  t.equal(after.reason, 'cert-revoked');
  await stack.request('demo-ec', '/auth/login');
  await stack.gateway.deps.revocation.settled();
  t.equal((await stack.request('demo-ec', '/auth/login')).status, 200, 'a good answer (no nextUpdate: cached for CERTGATE_OCSP_CACHE)');
  await responder.stop();
  const unseen = pki.issueClient({ commonName: 'prefer unseen' });
  await stack.register(unseen);
  t.equal((await stack.request(unseen, '/auth/login')).status, 200, 'responder away: the CRL (here: none) decides');
});
