// The per-request revocation answer at a chosen time: CRL listings, the staleness policy with its
// grace period, and a CA removed from the trusted set.
import t from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { verifyCrl } from '../../src/tls/crl.js';
import { createCrlDer } from '../../src/tls/pki.js';
import { Revocation } from '../../src/tls/revocation.js';
import { testPki } from '../helpers/pki.js';

const pki = testPki();
const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = Date.now();
const demo = pki.clients.demo;
const facts = readCertificate(demo.der);

function revocation(env: Record<string, string>, crlFile = true) {
  const config = loadConfig({ CERTGATE_SECRET: 'x'.repeat(32), ...env });
  const r = new Revocation({ config: config.revocation, crlFile, cas: pki.trustedCas });
  r.crls.offer([verifyCrl(createCrlDer(pki.ca, [pki.clients.revoked.serial], { crlNumber: 1, thisUpdate: new Date(now - DAY), nextUpdate: new Date(now + DAY) }), pki.trustedCas)], 'test');
  return r;
}

t.test('deny: refused once nextUpdate plus grace has passed', async (t) => {
  const r = revocation({ CERTGATE_CRL_STALE: 'deny', CERTGATE_CRL_GRACE: '1h' });
  t.equal(r.check(facts, demo.der, now), undefined);
  t.equal(r.check(facts, demo.der, now + DAY + HOUR - 1000), undefined, 'inside the grace period (UTCTime counts whole seconds)');
  t.equal(r.check(facts, demo.der, now + DAY + HOUR + 1), 'cert-revocation-unknown');
  t.same(r.staleIssuers(now + DAY + HOUR + 1), [pki.trustedCas[0]!.subject]);
  const revoked = readCertificate(pki.clients.revoked.der);
  t.equal(r.check(revoked, pki.clients.revoked.der, now + 2 * DAY), 'cert-revoked', 'a listed certificate stays revoked, stale or not');
  t.match(r.crlStatus(now + 2 * DAY), [{ crlNumber: '1', revoked: 1, stale: true, source: 'test' }]);
});

t.test('warn: served, reported', async (t) => {
  const r = revocation({ CERTGATE_CRL_STALE: 'warn' });
  t.equal(r.check(facts, demo.der, now + 3 * DAY), undefined);
  t.equal(r.staleIssuers(now + 3 * DAY).length, 1);
  t.equal(r.staleIssuers(now).length, 0);
});

t.test('no CRL source configured: no staleness at all', async (t) => {
  const config = loadConfig({ CERTGATE_SECRET: 'x'.repeat(32), CERTGATE_CRL_STALE: 'deny' });
  const r = new Revocation({ config: config.revocation, crlFile: false, cas: pki.trustedCas });
  t.equal(r.crlExpected, false);
  t.equal(r.check(facts, demo.der, now + 10 * DAY), undefined);
  t.same(r.staleIssuers(now), []);
});

t.test('a CA taken out of the bundle', async (t) => {
  const r = revocation({});
  r.setTrustedCas([]);
  t.equal(r.check(facts, demo.der, now), 'cert-untrusted');
  t.same(r.crls.entries(), [], 'its CRL is forgotten');
});
