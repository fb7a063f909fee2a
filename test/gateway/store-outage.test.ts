// Fail closed: with Redis stopped every request gets a 503 system-error page quickly, readiness
// turns 503, the process stays up, and service resumes by itself when Redis returns.
import t from 'tap';
import { startStack } from '../helpers/stack.js';

t.test('redis stopped and restarted', async (t) => {
  const stack = await startStack();
  t.teardown(() => stack.close());
  const ops = `http://127.0.0.1:${stack.gateway.opsPort}`;
  t.equal((await stack.request('demo', '/auth/login')).status, 200);
  t.equal((await fetch(`${ops}/readyz`)).status, 200);

  await stack.redis.stop();
  for (const path of ['/auth/login', '/', '/registration']) {
    const res = await stack.request('demo', path);
    t.equal(res.status, 503, `${path}: 503 while the store is down`);
    t.equal(res.page, 'system-error');
    t.equal(res.reason, 'store-unavailable');
  }
  const ready = await fetch(`${ops}/readyz`);
  t.equal(ready.status, 503);
  const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
  t.equal(body.checks.store?.ok, false, 'readiness names the store');
  t.equal((await fetch(`${ops}/healthz`)).status, 200, 'the process is alive');
  // Certificate problems are still answered from TLS facts alone.
  t.equal((await stack.request(undefined, '/')).reason, 'cert-missing');

  await stack.redis.start();
  await stack.register('demo');
  let status = 0;
  // Reconnection is jittered backoff: wait for it with a generous ceiling (not a speed check).
  for (const until = Date.now() + 60_000; status !== 200 && Date.now() < until; ) {
    status = (await stack.request('demo', '/auth/login')).status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(status, 200, 'service resumed without a restart');
  t.equal((await fetch(`${ops}/readyz`)).status, 200);
  const metrics = await fetch(`${ops}/metrics`).then((r) => r.text());
  t.match(metrics, /certgate_redis_errors_total\{operation="request"\} [1-9]/);
});
