// CRLs: revoked lookups by (issuer, serial); a CRL no trusted CA signed is refused.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { createCrl } from '../../src/tls/pki.js';
import { loadCrl } from '../../src/tls/crl.js';
import { trustedCaFromDer } from '../../src/tls/trusted-cas.js';
import { testPki } from '../helpers/pki.js';

const pki = testPki();

t.test('the dev CRL lists the revoked certificate only', async (t) => {
  const crl = loadCrl(readFileSync(pki.file('crl.pem')), pki.trustedCas);
  t.equal(crl.size, 1);
  t.ok(crl.isRevoked(pki.ca.id, pki.clients.revoked.serial));
  t.notOk(crl.isRevoked(pki.ca.id, pki.clients.demo.serial));
  t.notOk(crl.isRevoked(pki.foreignCa.id, pki.clients.revoked.serial), 'serials are per issuer');
});

t.test('several CRL blocks, serials in any form, empty CRL', async (t) => {
  const both = [pki.ca, pki.foreignCa].map((c) => trustedCaFromDer(c.der));
  const text = createCrl(pki.ca, ['00 8f 01', '0a:1b']) + createCrl(pki.foreignCa, ['7f']) + createCrl(pki.ca, []);
  const crl = loadCrl(text, both);
  t.equal(crl.size, 3);
  t.ok(crl.isRevoked(pki.ca.id, '8F01'));
  t.ok(crl.isRevoked(pki.ca.id, '0A1B'));
  t.ok(crl.isRevoked(pki.foreignCa.id, '7F'));
});

t.test('refused CRLs', async (t) => {
  const untrusted = { code: 'CERT_UNTRUSTED_ISSUER', message: /not signed by any trusted client CA/ };
  t.throws(() => loadCrl(createCrl(pki.foreignCa, ['01']), pki.trustedCas), untrusted, 'foreign CA');
  // Same issuer name, different key: a look-alike CA must not pass on its name.
  const pem = createCrl(pki.ca, ['01']);
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 5] = der[der.length - 5]! ^ 0xff;
  const tampered = `-----BEGIN X509 CRL-----\n${der.toString('base64')}\n-----END X509 CRL-----\n`;
  t.throws(() => loadCrl(tampered, pki.trustedCas), untrusted, 'bad signature');
  t.throws(() => loadCrl('no pem here', pki.trustedCas), { code: 'CONFIG_INVALID' });
  t.throws(
    () => loadCrl('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n', pki.trustedCas),
    { message: /not a valid X.509 CRL/ },
  );
});
