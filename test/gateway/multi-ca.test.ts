// Several client CAs at once: a root with an intermediate that issues client certificates, next to
// another CA whose serials overlap. Registrations, CRLs (found through the certificates' CRL
// distribution points, CERTGATE_CRL_URL=cdp) and /auth/cert keep them apart.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, createCrlDer, issueClientCert } from '../../src/tls/pki.js';
import { createIntermediateCa } from '../../src/tls/pki-revocation.js';
import { startStack } from '../helpers/stack.js';
import { startCrlServer } from '../helpers/crl-server.js';

t.test('two CAs, one an intermediate, overlapping serials', async (t) => {
  const crls = await startCrlServer();
  const dir = mkdtempSync(join(tmpdir(), 'certgate-multi-ca-'));
  t.teardown(async () => {
    await crls.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const root = createCa({ commonName: 'certgate test root CA', organization: 'certgate test' });
  const intermediate = createIntermediateCa(root, { commonName: 'certgate test issuing CA 1', organization: 'certgate test', crlUrls: [crls.url('/root.crl')] });
  const renamed = createCa({ commonName: 'certgate test issuing CA 2', organization: 'certgate test' });
  const cert = (ca: typeof root, name: string, crl: string) =>
    issueClientCert(ca, { commonName: name, serialHex: '10:01', crlUrls: [crls.url(crl)], keyType: 'ec' });
  const viaIntermediate = cert(intermediate, 'user of CA 1', '/ca1.crl');
  const viaRenamed = cert(renamed, 'user of CA 2', '/ca2.crl');
  t.equal(viaIntermediate.serial, viaRenamed.serial, 'the same serial from two CAs');
  writeFileSync(join(dir, 'client-ca.pem'), renamed.certPem + intermediate.certPem + root.certPem);

  crls.der('/root.crl', createCrlDer(root, [], { crlNumber: 1 }));
  crls.der('/ca1.crl', createCrlDer(intermediate, [], { crlNumber: 1 }));
  crls.der('/ca2.crl', createCrlDer(renamed, [viaRenamed.serial], { crlNumber: 1 }));

  const stack = await startStack({
    env: { CERTGATE_CLIENT_CA: join(dir, 'client-ca.pem'), CERTGATE_CRL_URL: 'cdp', CERTGATE_CRL_STALE: 'deny', CERTGATE_CRL_CACHE_DIR: join(dir, 'crl') },
    register: [],
  });
  t.teardown(() => stack.close());
  t.equal(crls.hits('/root.crl'), 1, 'the distribution point in the intermediate CA certificate is fetched at start');

  // Registered under CA 1 only: the same serial from CA 2 is another certificate.
  await stack.register(viaIntermediate);
  const one = await stack.request(viaIntermediate, '/auth/login');
  t.equal(one.status, 200, 'the intermediate-issued certificate passes (its CDP was learnt and fetched on first sight)');
  t.equal(crls.hits('/ca1.crl'), 1);
  const info = await stack.request(viaIntermediate, '/auth/cert');
  t.match(info.body, 'certgate test issuing CA 1');
  t.match(info.body, 'data-state="registered"');

  const two = await stack.request(viaRenamed, '/auth/cert');
  t.equal(two.status, 403, 'CA 2 revoked its certificate with the same serial');
  t.equal(two.reason, 'cert-revoked');
  t.equal(crls.hits('/ca2.crl'), 1);

  // Another CA 2 certificate, not revoked and not registered, is only "unregistered".
  const other = issueClientCert(renamed, { commonName: 'other of CA 2', serialHex: '10:02', crlUrls: [crls.url('/ca2.crl')] });
  const otherInfo = await stack.request(other, '/auth/cert');
  t.equal(otherInfo.status, 200);
  t.match(otherInfo.body, 'data-state="unregistered"');
  t.match(otherInfo.body, 'certgate test issuing CA 2');
  t.equal((await stack.request(other, '/auth/login')).reason, 'cert-unregistered');
});
