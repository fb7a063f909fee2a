// Revocation holds on resumed TLS sessions: a certificate revoked after its session was established
// is refused when the client resumes with a TLS 1.2 or TLS 1.3 session ticket (where nginx, Envoy
// and Go skip the check).
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrlDer } from '../../src/tls/pki.js';
import { startStack } from '../helpers/stack.js';
import { startCrlServer } from '../helpers/crl-server.js';
import { tlsExchange } from '../helpers/tls-session.js';

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  t.test(`revoked after the handshake, resumed with a ${version} ticket`, async (t) => {
    const server = await startCrlServer();
    const cacheDir = mkdtempSync(join(tmpdir(), 'certgate-crl-'));
    const stack = await startStack({ env: { CERTGATE_CRL_URL: server.url('/ca.crl'), CERTGATE_CRL_CACHE_DIR: cacheDir } });
    t.teardown(async () => {
      await stack.close();
      await server.close();
      rmSync(cacheDir, { recursive: true, force: true });
    });
    const { pki } = stack;
    const cert = pki.issueClient({ commonName: `resumed ${version}` });
    await stack.register(cert);
    server.der('/ca.crl', createCrlDer(pki.ca, [], { crlNumber: 1 }));
    await stack.gateway.revocation.fetcher!.refreshAll();

    const opts = { ca: pki.ca.certPem, minVersion: version, maxVersion: version };
    const full = await tlsExchange(stack.gateway.port, { ...opts, cert: cert.certPem, key: cert.keyPem });
    t.equal(full.status, 200);
    t.ok(full.session, 'got a session ticket');
    const resumedBefore = await tlsExchange(stack.gateway.port, { ...opts, session: full.session! });
    t.equal(resumedBefore.reused, true);
    t.equal(resumedBefore.status, 200, 'resumption works while the certificate is good');

    server.der('/ca.crl', createCrlDer(pki.ca, [cert.serial], { crlNumber: 2 }));
    await stack.gateway.revocation.fetcher!.refreshAll();
    const resumed = await tlsExchange(stack.gateway.port, { ...opts, session: full.session! });
    t.equal(resumed.reused, true, 'the session was resumed (no new certificate check by TLS)');
    t.equal(resumed.status, 403);
    t.equal(resumed.page, 'login-error');
    t.equal(resumed.reason, 'cert-revoked');
  });
}
