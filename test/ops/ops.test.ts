// The ops listener: health, readiness with named checks, Prometheus metrics, and graceful shutdown
// (readiness 503, in-flight requests finish, new connections refused).
import t from 'tap';
import { startStack } from '../helpers/stack.js';
import { feedLive } from '../helpers/local-copy.js';

t.test('health, readiness and metrics', async (t) => {
  const stack = await startStack();
  t.teardown(() => stack.close());
  const ops = `http://127.0.0.1:${stack.gateway.opsPort}`;
  const health = await fetch(`${ops}/healthz`);
  t.equal(health.status, 200);
  t.same(await health.json(), { status: 'ok' });
  await feedLive(stack.gateway.deps.feed!);
  const ready = await fetch(`${ops}/readyz`);
  t.equal(ready.status, 200);
  const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: unknown }> };
  t.same(Object.keys(body.checks).sort(), ['hasher', 'localCopy', 'store', 'tls', 'upstream']);
  t.equal(body.status, 'ready');
  t.same(body.checks.localCopy, { ok: true, detail: 'live on 1 primary' }, 'the local copies and their tracking links are shown');

  await stack.request('demo', '/auth/login');
  const metrics = await fetch(`${ops}/metrics`);
  t.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
  const text = await metrics.text();
  for (const name of ['certgate_requests_total', 'certgate_cert_rejections_total', 'certgate_upstream_latency_seconds', 'certgate_redis_errors_total', 'certgate_logins_total', 'certgate_active_sessions', 'certgate_certificates']) {
    t.match(text, `# TYPE ${name}`, name);
  }
  t.match(text, /certgate_certificates\{state="active"\} 2/, 'two registered certificates sampled');

  await stack.upstream.close();
  const notReady = await fetch(`${ops}/readyz`);
  t.equal(notReady.status, 503);
  const failing = (await notReady.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
  t.equal(failing.checks.upstream?.ok, false);
  t.type(failing.checks.upstream?.error, 'string');
  t.equal(failing.checks.store?.ok, true);
});

t.test('shutdown drains in-flight requests and refuses new ones', async (t) => {
  const stack = await startStack();
  const password = await stack.createUser('hanako');
  const cookie = await stack.login('demo', 'hanako', password);
  // In flight until released below: the drain is observed, not raced against a timer.
  const inFlight = stack.request('demo', '/hold', { cookie });
  await until(() => stack.upstream.held === 1);
  const closing = stack.gateway.close();
  // The ops listener stays up while requests drain: a failed fetch is a failure, not a skipped check.
  const ready = await fetch(`http://127.0.0.1:${stack.gateway.opsPort}/readyz`);
  t.equal(ready.status, 503, 'readiness turns 503 while draining');
  stack.upstream.release();
  const res = await inFlight;
  t.equal(res.status, 200, 'the in-flight request finished');
  t.equal(res.body, 'done');
  await closing;
  await t.rejects(stack.request('demo', '/auth/login'), 'new connections are refused');
  await stack.upstream.close();
  await stack.redis.stop();
});

/** Waits for a condition set by the servers in this process (a generous ceiling; not a speed check). */
async function until(cond: () => boolean, ceilingMs = 60_000): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
