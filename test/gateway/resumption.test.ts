// TLS 1.3 resumption: a resumed session keeps its certificate, but a ticket from a handshake that
// presented none is "authorized" with no certificate at all — the gate must refuse it every time.
import t from 'tap';
import { startStack } from '../helpers/stack.js';
import { tlsExchange } from '../helpers/tls-session.js';

t.test('resumption on one process', async (t) => {
  const stack = await startStack();
  t.teardown(() => stack.close());
  const { port } = stack.gateway;
  const ca = stack.pki.ca.certPem;
  const demo = { cert: stack.pki.clients.demo.certPem, key: stack.pki.clients.demo.keyPem };

  const anonymous = await tlsExchange(port, { ca });
  t.equal(anonymous.reason, 'cert-missing');
  t.ok(anonymous.session, 'got a ticket without presenting a certificate');
  const resumedAnonymous = await tlsExchange(port, { ca, ...demo, session: anonymous.session! });
  t.equal(resumedAnonymous.reused, true, 'the session was resumed');
  t.equal(resumedAnonymous.status, 403, 'a resumed session without a certificate is refused');
  t.equal(resumedAnonymous.page, 'login-error');
  t.equal(resumedAnonymous.reason, 'cert-missing');

  const full = await tlsExchange(port, { ca, ...demo });
  t.equal(full.status, 200);
  const resumed = await tlsExchange(port, { ca, session: full.session! });
  t.equal(resumed.reused, true);
  t.equal(resumed.status, 200, 'a resumed session keeps the certificate it was created with');
  t.equal(resumed.page, 'login');
});
