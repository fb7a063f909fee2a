// The rate limit is exact across gateway processes: the test's own gateway and a `certgate serve`
// child (the compiled CLI, as operators run it) share one redis-server and one bucket per
// certificate. The rate (1 a minute) refills nothing in the seconds the test takes, so exactly the
// burst passes however the requests fall on the two processes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { freePort } from '../helpers/redis-server.js';
import { startStack, TEST_SECRET } from '../helpers/stack.js';
import { tlsRequest } from '../helpers/tls-client.js';
import { problemOf, registerFor } from '../helpers/api.js';
import { READY_CEILING_MS } from '../helpers/cluster-process.js';

const bin = join(import.meta.dirname, '../../bin/certgate.js');
const built = existsSync(join(import.meta.dirname, '../../dist/src/cli/main.js'));

t.test('two gateway processes, one bucket', { skip: built ? false : 'needs the build (npm run build)' }, async (t) => {
  const env = { CERTGATE_API_PREFIX: '/api/', CERTGATE_API_RATE: '1/m', CERTGATE_API_BURST: '10' };
  const stack = await startStack({ env, register: [] });
  t.teardown(() => stack.close());
  const cert = stack.pki.issueClient({ commonName: 'two processes' });
  await registerFor(stack, cert, 'api');

  const port = await freePort();
  const opsPort = await freePort();
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: stack.redis.url,
      CERTGATE_LISTEN: `127.0.0.1:${port}`,
      CERTGATE_OPS_LISTEN: `127.0.0.1:${opsPort}`,
      CERTGATE_TLS_CERT: stack.pki.file('server.crt'),
      CERTGATE_TLS_KEY: stack.pki.file('server.key'),
      CERTGATE_CLIENT_CA: stack.pki.file('ca.crt'),
      CERTGATE_UPSTREAM: stack.upstream.url,
      CERTGATE_SECRET: TEST_SECRET,
      CERTGATE_WORKERS: '1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let ready = 0;
  for (const until = Date.now() + READY_CEILING_MS; ready !== 200 && Date.now() < until; ) {
    ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`).then((r) => r.status, () => 0);
    if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(ready, 200, `child gateway ready ${stderr}`);

  const ports = [stack.gateway.port, port];
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) => tlsRequest({ port: ports[i % 2]!, caPem: stack.pki.ca.certPem, client: cert, path: `/api/v1/x/${i}` })),
  );
  const passed = results.filter((r) => r.status === 200).length;
  t.equal(passed, 10, `exactly the burst passed (${results.map((r) => r.status).join(',')})`);
  const limited = results.filter((r) => r.status === 429);
  t.equal(limited.length, 20);
  t.ok(limited.every((r) => problemOf(r).reason === 'rate-limited' && Number(r.headers['retry-after']) > 0), 'each 429 is a problem with Retry-After');
  t.equal(stack.upstream.received.length, 10, 'the upstream saw exactly the burst');
  // The child process answered its half from the same bucket: its own metrics count 15 API requests.
  const metrics = await fetch(`http://127.0.0.1:${opsPort}/metrics`).then((r) => r.text());
  const counted = [...metrics.matchAll(/certgate_requests_by_usage_total\{usage="api",outcome="(proxied|rate-limited)"\} (\d+)/g)];
  t.equal(counted.reduce((sum, m) => sum + Number(m[2]), 0), 15, `the child served 15 (${counted.map((m) => `${m[1]} ${m[2]}`).join(', ')})`);

  child.kill('SIGTERM');
});
