// Trusted CA list: loading, choosing the issuer for `serial add`, and signature-based issuer lookup.
import { writeFileSync } from 'node:fs';
import t from 'tap';
import { findIssuingCa, loadTrustedCas, resolveIssuer, trustedCaFromDer } from '../../src/tls/trusted-cas.js';
import { createCa, issueClientCert } from '../../src/tls/pki.js';
import { testPki } from '../helpers/pki.js';

const pki = testPki();
const code = (c: string, message = /./) => ({ code: c, message });

t.test('loading', async (t) => {
  const cas = loadTrustedCas(pki.file('ca.crt'));
  t.equal(cas.length, 1);
  t.equal(cas[0]!.id, pki.ca.id);
  t.equal(cas[0]!.subject, 'CN=certgate dev client CA, O=certgate development');
  const dir = t.testdir({ 'empty.pem': '', 'both.pem': pki.ca.certPem + pki.foreignCa.certPem });
  t.equal(loadTrustedCas(`${dir}/both.pem`).length, 2);
  t.throws(() => loadTrustedCas(`${dir}/missing.pem`), code('CONFIG_INVALID', /no such file.*CERTGATE_CLIENT_CA/));
  t.throws(() => loadTrustedCas(`${dir}/empty.pem`), code('CONFIG_INVALID', /no PEM CERTIFICATE/));
});

t.test('resolveIssuer', async (t) => {
  const one = pki.trustedCas;
  const two = [...one, trustedCaFromDer(pki.foreignCa.der)];
  t.equal(resolveIssuer(one).id, pki.ca.id, 'the only CA');
  t.throws(() => resolveIssuer(two), code('USAGE', /--issuer.*certgate dev client CA.*untrusted foreign CA/));
  const fp = two[1]!.fingerprint256;
  t.equal(resolveIssuer(two, fp).id, pki.foreignCa.id, 'by fingerprint');
  t.equal(resolveIssuer(two, fp.toUpperCase().match(/../g)!.join(':')).id, pki.foreignCa.id, 'colons, upper case');
  t.equal(resolveIssuer(two, pki.file('foreign-ca.crt')).id, pki.foreignCa.id, 'by file');
  t.throws(() => resolveIssuer(one, pki.file('foreign-ca.crt')), code('CERT_UNTRUSTED_ISSUER'));
  t.throws(() => resolveIssuer(one, 'ab'.repeat(32)), code('USAGE', /no trusted client CA has/));
  t.throws(() => resolveIssuer(one, '/nope/ca.pem'), code('USAGE', /neither a CA certificate file nor/));
  const dir = t.testdir({});
  writeFileSync(`${dir}/ca.der`, pki.ca.der);
  t.equal(resolveIssuer(one, `${dir}/ca.der`).id, pki.ca.id, 'DER file');
});

t.test('findIssuingCa checks the signature, not just the name', async (t) => {
  t.equal(findIssuingCa(pki.trustedCas, pki.clients.demo.der)?.id, pki.ca.id);
  t.equal(findIssuingCa(pki.trustedCas, pki.clients['demo-ec'].der)?.id, pki.ca.id);
  t.equal(findIssuingCa(pki.trustedCas, pki.clients.foreign.der), undefined);
  // An impostor CA with the very same name and its own key.
  const impostor = createCa({ commonName: 'certgate dev client CA', organization: 'certgate development', keyType: 'ec' });
  t.equal(impostor.id, pki.ca.id, 'same subject → same id');
  const forged = issueClientCert(impostor, { commonName: 'forged', keyType: 'ec' });
  t.equal(findIssuingCa(pki.trustedCas, forged.der), undefined);
  t.equal(findIssuingCa(pki.trustedCas, Buffer.from('junk')), undefined);
});
