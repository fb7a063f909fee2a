// A certificate listed in CERTGATE_CRL is refused with cert-revoked even when it is registered.
import t from 'tap';
import { startStack } from '../helpers/stack.js';

t.test('revoked certificate', async (t) => {
  const stack = await startStack({ env: { CERTGATE_CRL: (await import('../helpers/pki.js')).testPki().file('crl.pem') }, register: ['demo', 'revoked'] });
  t.teardown(() => stack.close());
  const revoked = await stack.request('revoked', '/auth/login');
  t.equal(revoked.status, 403);
  t.equal(revoked.page, 'login-error');
  t.equal(revoked.reason, 'cert-revoked');
  const fine = await stack.request('demo', '/auth/login');
  t.equal(fine.status, 200, 'other certificates of the same CA still pass');
});
