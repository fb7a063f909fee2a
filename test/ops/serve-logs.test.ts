// `certgate serve` as an operator runs it: log lines reach stdout as they happen (not when a 4 KiB
// buffer fills or the process exits), and /readyz names a failing store in plain words.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { testPki } from '../helpers/pki.js';
import { TEST_SECRET } from '../helpers/stack.js';

const BIN = fileURLToPath(new URL('../../bin/certgate.js', import.meta.url));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

t.test('serve: log lines arrive while the process runs; /readyz says the store is not reachable', async (t) => {
  const pki = testPki();
  const redisPort = await closedPort();
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      CERTGATE_LISTEN: '127.0.0.1:0',
      CERTGATE_OPS_LISTEN: '127.0.0.1:0',
      CERTGATE_TLS_CERT: pki.file('server.crt'),
      CERTGATE_TLS_KEY: pki.file('server.key'),
      CERTGATE_CLIENT_CA: pki.file('ca.crt'),
      CERTGATE_UPSTREAM: `http://127.0.0.1:${await closedPort()}`,
      CERTGATE_SECRET: TEST_SECRET,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  // Resolves when a line matching `want` has been read from stdout while the process is still running.
  const waiters: Array<{ want: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const raw = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!raw.trim()) continue;
      const line = JSON.parse(raw) as Record<string, unknown>;
      lines.push(line);
      for (const w of [...waiters]) {
        if (!w.want(line)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lineWith = (msg: string) =>
    Promise.race([
      new Promise<Record<string, unknown>>((resolve) => {
        const found = lines.find((l) => l.msg === msg);
        if (found) return resolve(found);
        waiters.push({ want: (l) => l.msg === msg, resolve });
      }),
      exited.then((code) => {
        throw new Error(`certgate serve exited (${code}) before logging "${msg}"`);
      }),
      // A liveness bound, not a speed check: a buffered logger would hold the line until exit.
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`"${msg}" did not reach stdout while the process ran`)), 20_000).unref()),
    ]);

  // Both lines together are far below pino's 4 KiB buffer: only a flush while running delivers them.
  const listening = await lineWith('certgate gateway listening');
  t.match(listening.listen, /^127\.0\.0\.1:\d+$/);
  const warned = await lineWith('redis not reachable yet; retrying');
  t.equal(warned.level, 40);
  t.equal(child.exitCode, null, 'read while the process is still running');

  const ops = String(listening.ops);
  const ready = await fetch(`http://${ops}/readyz`);
  t.equal(ready.status, 503);
  const body = (await ready.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
  t.equal(body.checks.store?.ok, false);
  t.equal(body.checks.store?.error, `store (REDIS_URL) at 127.0.0.1:${redisPort} is not reachable: connection refused: is redis-server running there?`);

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM still stops it cleanly');
});
