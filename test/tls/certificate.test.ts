// Reading real generated certificates (RSA and ECDSA) from PEM, DER and PKCS#12 files.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { loadCertificateFile, nameId, readCertificate, subjectId, derToPem } from '../../src/tls/certificate.js';
import { testPki } from '../helpers/pki.js';

const pki = testPki();
const certInvalid = (message: RegExp) => ({ code: 'CERT_INVALID', message });

t.test('RSA and ECDSA facts agree with node:crypto', async (t) => {
  for (const name of ['demo', 'demo-ec'] as const) {
    const issued = pki.clients[name];
    const facts = readCertificate(issued.der);
    const x = new X509Certificate(issued.der);
    t.equal(facts.serial, x.serialNumber.toUpperCase().replace(/^(00)+(?=..)/, ''), `${name} serial`);
    t.equal(facts.serial, issued.serial);
    t.equal(facts.fingerprint256, x.fingerprint256.replace(/:/g, '').toLowerCase(), `${name} fingerprint`);
    t.equal(facts.notAfter.getTime(), new Date(x.validTo).getTime(), `${name} notAfter`);
    t.equal(facts.notBefore.getTime(), new Date(x.validFrom).getTime(), `${name} notBefore`);
    t.equal(facts.issuerId, pki.ca.id, 'issuerId is the CA subject id');
    t.equal(facts.issuer, 'CN=certgate dev client CA, O=certgate development');
    t.match(facts.subject, /^CN=certgate demo/);
    t.equal(facts.keyType, name === 'demo' ? 'RSA' : 'EC');
  }
  t.equal(readCertificate(pki.serverEc.der).keyType, 'EC');
  t.not(readCertificate(pki.clients.foreign.der).issuerId, pki.ca.id, 'a foreign CA has another id');
  t.equal(readCertificate(pki.clients.foreign.der).issuerId, subjectId(pki.foreignCa.der));
  t.equal(nameId(Buffer.from('x')).length, 24);
});

t.test('serials with a sign byte or leading zeros read as normalised', async (t) => {
  const high = pki.issueClient({ serialHex: '8f 00 11 22' });
  t.equal(readCertificate(high.der).serial, '8F001122');
  t.equal(new X509Certificate(high.der).serialNumber.toUpperCase().replace(/^00/, ''), '8F001122');
  const small = pki.issueClient({ serialHex: '00 00 0a' });
  t.equal(readCertificate(small.der).serial, '0A');
});

t.test('PEM, DER and PKCS#12 files', async (t) => {
  const demo = pki.clients.demo;
  t.same(loadCertificateFile(Buffer.from(demo.certPem)).leaf, demo.der, 'PEM');
  t.same(loadCertificateFile(demo.der).leaf, demo.der, 'DER');
  const chain = loadCertificateFile(Buffer.from(demo.certPem + pki.ca.certPem));
  t.same(chain.leaf, demo.der, 'PEM bundle: leaf first');
  t.same(chain.chain, [pki.ca.der]);
  for (const name of ['demo', 'demo-ec'] as const) {
    const p12 = readFileSync(pki.file(`${name}.p12`));
    const loaded = loadCertificateFile(p12, pki.password);
    t.same(loaded.leaf, pki.clients[name].der, `${name}.p12`);
  }
});

t.test('clear errors', async (t) => {
  const p12 = readFileSync(pki.file('demo.p12'));
  t.throws(() => loadCertificateFile(p12, 'wrong'), certInvalid(/wrong password/));
  t.throws(() => loadCertificateFile(p12), certInvalid(/--password/));
  t.throws(() => loadCertificateFile(Buffer.from(pki.clients.demo.keyPem)), certInvalid(/no CERTIFICATE block/));
  t.throws(() => loadCertificateFile(Buffer.from('hello, world')), certInvalid(/neither a PEM, DER nor PKCS#12/));
  t.throws(() => readCertificate(Buffer.from('3003020101', 'hex')), certInvalid(/not an X.509 certificate/));
  t.throws(() => readCertificate(Buffer.alloc(0)), certInvalid(/not an X.509/));
  t.match(derToPem(pki.ca.der), /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
});
