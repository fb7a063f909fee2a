// OCSP requests and responses against a real `openssl ocsp` responder on loopback.
import t from 'tap';
import { buildOcspRequest, readOcspResponse } from '../../src/tls/ocsp.js';
import { trustedCaFromDer } from '../../src/tls/trusted-cas.js';
import { createCa } from '../../src/tls/pki.js';
import { testPki } from '../helpers/pki.js';
import { startOcspResponder } from '../helpers/ocsp-responder.js';

const pki = testPki();
const ca = trustedCaFromDer(pki.ca.der);

async function ask(url: string, der: Buffer) {
  const req = buildOcspRequest(der, ca);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array(req.der) });
  return { req, body: Buffer.from(await res.arrayBuffer()) };
}

t.test('good, revoked and unknown answers from openssl ocsp', async (t) => {
  const good = pki.issueClient();
  const revoked = pki.issueClient();
  const unlisted = pki.issueClient();
  const responder = await startOcspResponder(pki.ca, [{ cert: good }, { cert: revoked, revokedAt: new Date(Date.now() - 60_000) }], { validMinutes: 30 });
  t.teardown(() => responder.stop());
  const now = Date.now();

  const a = await ask(responder.url, good.der);
  const answer = readOcspResponse(a.body, a.req, ca, now);
  t.equal(answer.status, 'good');
  t.ok(answer.nextUpdate && answer.nextUpdate.getTime() > now + 25 * 60_000, 'nextUpdate from -nmin');

  const r = await ask(responder.url, revoked.der);
  const rev = readOcspResponse(r.body, r.req, ca, now);
  t.equal(rev.status, 'revoked');
  t.ok(rev.revokedAt, 'revocation time');

  const u = await ask(responder.url, unlisted.der);
  t.equal(readOcspResponse(u.body, u.req, ca, now).status, 'unknown');

  // The answer for one certificate is not accepted for another, nor past its nextUpdate.
  const other = buildOcspRequest(revoked.der, ca);
  t.throws(() => readOcspResponse(a.body, other, ca, now), { name: 'OcspError', message: /another request’s nonce/ });
  t.throws(() => readOcspResponse(a.body, { ...other, nonce: a.req.nonce }, ca, now), { message: /does not answer for this certificate/ });
  t.throws(() => readOcspResponse(a.body, a.req, ca, now + 3_600_000), { message: /past its nextUpdate/ });
  // Signed by a responder another CA authorised: refused.
  const stranger = trustedCaFromDer(createCa({ commonName: 'certgate dev client CA' }).der);
  t.throws(() => readOcspResponse(a.body, { ...a.req }, stranger, now), { message: /not signed/ });
  t.throws(() => readOcspResponse(Buffer.from('junk'), a.req, ca, now), { message: /not an OCSP response/ });
});
