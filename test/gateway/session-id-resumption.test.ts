// TLS 1.2 session-id resumption (a client without tickets): the gateway's session cache lets it skip
// the full handshake, but a resumed connection still meets the certificate gate on every request —
// no certificate, a revoked one, or a serial removed since the full handshake are all refused.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { constants } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { readCertificate } from '../../src/tls/certificate.js';
import { keys } from '../../src/store/keys.js';
import { startStack } from '../helpers/stack.js';
import { testPki } from '../helpers/pki.js';
import { tlsExchange } from '../helpers/tls-session.js';

/** TLS 1.2 with tickets refused: the only way to resume is the server's session-id cache. */
const sessionIdOnly: ConnectionOptions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET };

t.test('session-id resumption', async (t) => {
  const stack = await startStack({ env: { CERTGATE_CRL: testPki().file('crl.pem') }, register: ['demo', 'revoked'] });
  t.teardown(() => stack.close());
  const { port } = stack.gateway;
  const ca = stack.pki.ca.certPem;
  const client = (name: 'demo' | 'revoked') => ({ cert: stack.pki.clients[name].certPem, key: stack.pki.clients[name].keyPem });

  t.test('a registered certificate resumes and keeps its certificate', async (t) => {
    const full = await tlsExchange(port, { ca, ...sessionIdOnly, ...client('demo') });
    t.equal(full.reused, false);
    t.equal(full.status, 200);
    t.ok(full.session, 'the server handed out a session id');
    const resumed = await tlsExchange(port, { ca, ...sessionIdOnly, session: full.session! });
    t.equal(resumed.reused, true, 'resumed by session id (no ticket was allowed)');
    t.equal(resumed.status, 200, 'the resumed session carries the certificate of its full handshake');
    t.equal(resumed.page, 'login');
  });

  t.test('a session made without a certificate stays without one', async (t) => {
    const anonymous = await tlsExchange(port, { ca, ...sessionIdOnly });
    t.equal(anonymous.status, 403);
    t.equal(anonymous.reason, 'cert-missing');
    const resumed = await tlsExchange(port, { ca, ...sessionIdOnly, ...client('demo'), session: anonymous.session! });
    t.equal(resumed.reused, true, 'the session was resumed');
    t.equal(resumed.status, 403, 'offering a certificate on resumption does not add one');
    t.equal(resumed.page, 'login-error');
    t.equal(resumed.reason, 'cert-missing');
  });

  t.test('a revoked certificate is refused on the resumed connection too', async (t) => {
    const full = await tlsExchange(port, { ca, ...sessionIdOnly, ...client('revoked') });
    t.equal(full.reason, 'cert-revoked');
    const resumed = await tlsExchange(port, { ca, ...sessionIdOnly, session: full.session! });
    t.equal(resumed.reused, true);
    t.equal(resumed.status, 403);
    t.equal(resumed.page, 'login-error');
    t.equal(resumed.reason, 'cert-revoked');
  });

  t.test('a serial removed after the full handshake is refused on resumption', async (t) => {
    const cert = stack.pki.issueClient({ commonName: 'resume-then-remove' });
    await stack.register(cert);
    const full = await tlsExchange(port, { ca, ...sessionIdOnly, cert: cert.certPem, key: cert.keyPem });
    t.equal(full.status, 200);
    const facts = readCertificate(cert.der);
    await stack.redis.client().del(keys.registration(facts.issuerId, facts.serial));
    const resumed = await tlsExchange(port, { ca, ...sessionIdOnly, session: full.session! });
    t.equal(resumed.reused, true);
    t.equal(resumed.status, 403);
    t.equal(resumed.reason, 'cert-unregistered');
  });

  t.test('replacing the secure context (a reload) forgets every session', async (t) => {
    const full = await tlsExchange(port, { ca, ...sessionIdOnly, ...client('demo') });
    t.equal(full.status, 200);
    stack.gateway.server.setSecureContext({
      cert: readFileSync(stack.pki.file('server.crt')),
      key: readFileSync(stack.pki.file('server.key')),
      ca: readFileSync(stack.pki.file('ca.crt')),
    });
    const after = await tlsExchange(port, { ca, ...sessionIdOnly, ...client('demo'), session: full.session! });
    t.equal(after.reused, false, 'a full handshake under the new context');
    t.equal(after.status, 200);
  });
});
