// Over real TLS: a certificate past CERTGATE_CERT_FAILURE_LIMIT gets the 429 login page
// (data-error="too-many-attempts", Retry-After); logins from another operator's certificate never
// lock the user.
import t from 'tap';
import { startStack, formOf, OPERATOR, type Stack } from '../helpers/stack.js';
import { keys, registryField } from '../../src/store/keys.js';
import type { DevClientName } from '../helpers/pki.js';
import { readCertificate } from '../../src/tls/certificate.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_CERT_FAILURE_LIMIT: '3', CERTGATE_CERT_COOLDOWN: '5m', CERTGATE_LOCKOUT_THRESHOLD: '2' } });
});
t.teardown(() => stack.close());

async function postLogin(client: DevClientName, userId: string, password: string) {
  const form = await formOf(stack, client, '/auth/login');
  return stack.request(client, '/auth/login', { method: 'POST', cookie: form.cookie, body: new URLSearchParams({ _csrf: form.csrf, userId, password }).toString() });
}

t.test("another operator's certificate: same answer as an unknown user, the user is not locked", async (t) => {
  await stack.redis.client().hset(keys.operators, 'OTHER', JSON.stringify({ name: 'Other', createdAt: Date.now() }));
  await stack.register('demo-ec', 'OTHER');
  const password = await stack.createUser('ume', { operatorId: OPERATOR });
  for (const pw of ['Wrong#2026x', password]) {
    const res = await postLogin('demo-ec', 'ume', pw);
    t.equal(res.status, 401);
    t.equal(res.error, 'invalid-credentials');
  }
  t.equal(await stack.redis.client().hget(keys.user('ume'), 'locked'), '0', 'two tries at threshold 2, still not locked');
  t.equal((await postLogin('demo', 'ume', password)).status, 303);
});

t.test('past the per-certificate limit: 429 too-many-attempts with Retry-After', async (t) => {
  const password = await stack.createUser('kiku');
  const facts = readCertificate(stack.pki.clients.demo.der);
  const field = registryField(facts.issuerId, facts.serial);
  await stack.redis.client().del(keys.certLoginFailures(field));
  for (const userId of ['nobody-a', 'nobody-b', 'nobody-c']) t.equal((await postLogin('demo', userId, 'Wrong#2026x')).status, 401);
  const res = await postLogin('demo', 'kiku', password);
  t.equal(res.status, 429);
  t.equal(res.page, 'login');
  t.equal(res.error, 'too-many-attempts');
  t.ok(Number(res.headers['retry-after']) > 200, `Retry-After ${String(res.headers['retry-after'])}`);
  t.equal((await postLogin('demo', 'kiku', 'Wrong#2026x')).status, 429, 'still refused');
});
