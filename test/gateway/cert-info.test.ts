// /auth/cert (the manual's chapter 7): shows a genuine certificate's serial, validity and
// registration state even when it cannot log in; revoked, untrusted and missing ones get login-error.
import t from 'tap';
import { startStack } from '../helpers/stack.js';
import { testPki } from '../helpers/pki.js';
import { displaySerial } from '../../src/tls/serial.js';

t.test('certificate information page', async (t) => {
  const stack = await startStack({ env: { CERTGATE_CRL: testPki().file('crl.pem') }, register: ['demo', 'revoked'] });
  t.teardown(() => stack.close());
  const cases = [
    ['demo', 'registered'],
    ['unregistered', 'unregistered'],
    ['expired', 'expired'],
    ['not-yet-valid', 'not-yet-valid'],
  ] as const;
  for (const [client, state] of cases) {
    const res = await stack.request(client, '/auth/cert');
    t.equal(res.status, 200, `${client}: 200`);
    t.equal(res.page, 'cert-info');
    t.match(res.body, `data-state="${state}"`, `${client}: state ${state}`);
    t.ok(res.body.includes(displaySerial(stack.pki.clients[client].serial)), `${client}: serial shown as browsers print it`);
  }
  t.match((await stack.request('demo', '/auth/cert')).body, 'DEMO', 'the operator of a registered certificate');
  for (const [client, reason] of [
    ['revoked', 'cert-revoked'],
    ['foreign', 'cert-untrusted'],
    [undefined, 'cert-missing'],
  ] as const) {
    const res = await stack.request(client, '/auth/cert');
    t.equal(res.status, 403, `${client ?? 'none'}: refused`);
    t.equal(res.reason, reason);
  }
});
