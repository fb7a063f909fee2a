// The dev PKI: every file `npm run certs` promises, usable by node:tls, and written only once.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import t from 'tap';
import { createCa, createCrl, issueClientCert, issueServerCert } from '../../src/tls/pki.js';
import { DEV_CLIENT_NAMES, generateDevPki } from '../../src/tls/dev-pki.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { loadCrl } from '../../src/tls/crl.js';
import { trustedCaFromDer } from '../../src/tls/trusted-cas.js';
import { testPki } from '../helpers/pki.js';

const pki = testPki();

t.test('files and manifest', async (t) => {
  const files = ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'server-ec.crt', 'server-ec.key', 'crl.pem', 'foreign-ca.crt', 'manifest.json'];
  for (const n of DEV_CLIENT_NAMES) files.push(`${n}.crt`, `${n}.key`, `${n}.p12`);
  for (const f of files) t.ok(existsSync(pki.file(f)), f);
  t.equal(statSync(pki.file('demo.key')).mode & 0o077, 0, 'keys are private to the owner');
  const manifest = JSON.parse(readFileSync(pki.file('manifest.json'), 'utf8')) as Record<string, { serial: string; issuerId: string; notAfter: string }>;
  t.equal(manifest.demo!.serial, pki.clients.demo.serial);
  t.equal(manifest.demo!.issuerId, pki.ca.id);
  t.equal(manifest.foreign!.issuerId, pki.foreignCa.id);
  t.ok(Date.parse(manifest.expired!.notAfter) < Date.now(), 'expired is expired');
  t.ok(readCertificate(pki.clients['not-yet-valid'].der).notBefore.getTime() > Date.now(), 'not-yet-valid is in the future');
  const demo = readCertificate(pki.clients.demo.der);
  const days = (demo.notAfter.getTime() - demo.notBefore.getTime()) / 86_400_000;
  t.ok(days > 729 && days < 732, 'two-year client certificates');
});

t.test('certificates verify and load in node:tls', async (t) => {
  const ca = new X509Certificate(pki.ca.der);
  t.ok(ca.ca, 'CA flag');
  for (const c of [pki.server, pki.serverEc, pki.clients.demo, pki.clients['demo-ec']]) {
    t.ok(new X509Certificate(c.der).verify(ca.publicKey), 'signed by the CA');
  }
  const server = new X509Certificate(pki.server.der);
  t.ok(server.checkHost('localhost'));
  t.ok(server.checkIP('127.0.0.1'));
  t.ok(server.checkIP('::1'));
  t.equal(createPrivateKey(pki.serverEc.keyPem).asymmetricKeyType, 'ec');
  for (const n of ['demo', 'demo-ec'] as const) {
    t.doesNotThrow(() => createSecureContext({ pfx: pki.clients[n].p12, passphrase: pki.password }), `${n}.p12 loads in OpenSSL`);
  }
  t.doesNotThrow(() => createSecureContext({ cert: pki.serverEc.certPem, key: pki.serverEc.keyPem }));
});

t.test('EC CA issues RSA and EC certificates and CRLs', async (t) => {
  const ecCa = createCa({ commonName: 'ec test CA', keyType: 'ec' });
  const leaf = issueClientCert(ecCa, { commonName: 'x', keyType: 'ec', serialHex: '00 8f 01' });
  t.equal(leaf.serial, '8F01');
  t.ok(new X509Certificate(leaf.der).verify(new X509Certificate(ecCa.der).publicKey));
  const srv = issueServerCert(ecCa, { hosts: ['example.test'], keyType: 'ec' });
  t.ok(new X509Certificate(srv.der).checkHost('example.test'));
  const crl = loadCrl(createCrl(ecCa, ['8f01']), [trustedCaFromDer(ecCa.der)]);
  t.ok(crl.isRevoked(ecCa.id, '8F01'));
});

t.test('generateDevPki keeps an existing PKI unless forced', async (t) => {
  const dir = t.testdir({});
  const first = generateDevPki(dir);
  const again = generateDevPki(dir);
  t.same(again, first, 'second call reads the manifest back');
  t.equal(readFileSync(`${dir}/ca.crt`, 'utf8'), readFileSync(`${dir}/ca.crt`, 'utf8'));
  const forced = generateDevPki(dir, { force: true });
  t.not(forced.demo!.serial, first.demo!.serial, 'forced regeneration issues new certificates');
});

t.test('an older certs-dev/ without demo-api gets it from the same CA, nothing else changes', async (t) => {
  const dir = t.testdir({});
  const first = generateDevPki(dir);
  const { rmSync, writeFileSync } = await import('node:fs');
  const { 'demo-api': dropped, ...older } = first;
  t.ok(dropped, 'a fresh PKI has demo-api');
  for (const ext of ['crt', 'key', 'p12']) rmSync(`${dir}/demo-api.${ext}`);
  writeFileSync(`${dir}/manifest.json`, JSON.stringify(older));
  const completed = generateDevPki(dir);
  t.ok(completed['demo-api'], 'demo-api added');
  t.equal(completed['demo-api']!.issuerId, first.ca!.issuerId, 'issued by the existing CA');
  t.equal(completed.demo!.serial, first.demo!.serial, 'the demo certificate is kept');
  const api = new X509Certificate(readFileSync(`${dir}/demo-api.crt`));
  t.ok(api.verify(new X509Certificate(readFileSync(`${dir}/ca.crt`)).publicKey));
  t.doesNotThrow(() => createSecureContext({ pfx: readFileSync(`${dir}/demo-api.p12`), passphrase: 'certgate' }));
  t.same(generateDevPki(dir), completed, 'written once');
});
