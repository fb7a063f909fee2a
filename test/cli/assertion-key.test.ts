// `certgate assertion-key` prints the key the portal needs (CERTGATE_ASSERTION_KEY), derived from
// CERTGATE_SECRET with HKDF; the portal runs with that key alone and verifies gateway assertions.
import t from 'tap';
import { cliFor } from '../helpers/cli.js';
import { deriveKeys } from '../../src/config/derived-keys.js';
import { servePortal } from '../../src/portal/serve.js';
import { signedHeaders } from '../helpers/assertion.js';

const SECRET = 'assertion-key-test-secret-0123456789abcdef';

t.test('prints the derived key; usage errors without a secret', async (t) => {
  const expected = deriveKeys(Buffer.from(SECRET)).assertion.toString('base64url');
  const res = await cliFor({ CERTGATE_SECRET: SECRET })('assertion-key');
  t.equal(res.code, 0, res.err);
  t.equal(res.out, `${expected}\n`);
  t.not(expected, Buffer.from(SECRET).toString('base64url'), 'not the secret itself');
  t.same((await cliFor({ CERTGATE_SECRET: SECRET })('assertion-key', '--json')).json(), { assertionKey: expected });
  const none = await cliFor({})('assertion-key');
  t.equal(none.code, 2);
  t.match(none.err, /^certgate: CERTGATE_SECRET is not set/);
  t.equal((await cliFor({ CERTGATE_SECRET: 'short' })('assertion-key')).code, 2);
});

t.test('the portal verifies with CERTGATE_ASSERTION_KEY alone (no CERTGATE_SECRET)', async (t) => {
  const key = deriveKeys(Buffer.from(SECRET)).assertion;
  const running = await servePortal({ CERTGATE_ASSERTION_KEY: key.toString('base64url'), CERTGATE_PORTAL_LISTEN: '127.0.0.1:0', LOG_LEVEL: 'silent' });
  t.teardown(() => running.close());
  const identity = { user: 'u', userName: 'U', operator: 'OP', roles: ['operator-staff'], certSerial: '01', certNotAfter: new Date(Date.now() + 1e10).toISOString() };
  t.equal((await fetch(`http://127.0.0.1:${running.port}/`, { headers: signedHeaders(key, 'GET', '/', identity) })).status, 200);
  t.equal((await fetch(`http://127.0.0.1:${running.port}/`, { headers: signedHeaders(Buffer.from(SECRET), 'GET', '/', identity) })).status, 401, 'the raw secret is not the key');
});
