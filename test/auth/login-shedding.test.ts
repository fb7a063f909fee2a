// argon2 off the hot path: past the hashing queue, logins are shed with a 503 page (Retry-After)
// while requests with a live session keep being proxied.
import t from 'tap';
import { formOf, startStack } from '../helpers/stack.js';

t.test('a login burst is shed, proxied traffic is not', async (t) => {
  const stack = await startStack({ env: { CERTGATE_LOGIN_CONCURRENCY: '1', CERTGATE_LOGIN_QUEUE: '0' } });
  t.teardown(() => stack.close());
  const password = await stack.createUser('kenji');
  const cookie = await stack.login('demo', 'kenji', password);

  const form = await formOf(stack, 'demo-ec', '/auth/login');
  const body = new URLSearchParams({ _csrf: form.csrf, userId: 'nobody', password: 'Wrong#Pass123' }).toString();
  const burst = Array.from({ length: 12 }, () => stack.request('demo-ec', '/auth/login', { method: 'POST', cookie: form.cookie, body }));
  const proxied = await Promise.all(Array.from({ length: 5 }, () => stack.request('demo', '/portal', { cookie })));
  const logins = await Promise.all(burst);

  t.same(proxied.map((r) => r.status), [200, 200, 200, 200, 200], 'proxied requests answered during the burst');
  const shed = logins.filter((r) => r.status === 503);
  t.ok(shed.length >= 1, `some logins were shed (${shed.length} of ${logins.length})`);
  for (const r of shed) {
    t.equal(r.page, 'system-error');
    t.equal(r.reason, 'overloaded');
    t.ok(r.headers['retry-after'], 'Retry-After tells the browser when to come back');
  }
  t.ok(logins.some((r) => r.status === 401), 'the attempts that got a slot were answered normally');
  const metrics = await fetch(`http://127.0.0.1:${stack.gateway.opsPort}/metrics`).then((r) => r.text());
  t.match(metrics, /certgate_logins_total\{outcome="overloaded"\} [1-9]/);
});
