// `npm start` on a machine where the default ports are taken: one sentence naming the variable to
// set, and with the variables set the gateway proxies to the demo's own portal.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';

const DEMO = fileURLToPath(new URL('../../dist/scripts/demo.js', import.meta.url));

async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}
async function freePort(): Promise<number> {
  const h = await holdPort();
  await new Promise<void>((resolve) => h.server.close(() => resolve()));
  return h.port;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the demo until it prints its banner (then `whileRunning`, then SIGINT) or exits by itself. */
function runDemo(env: NodeJS.ProcessEnv, whileRunning?: (out: string) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (!started && out.includes('Ctrl-C stops everything.')) {
        started = true;
        (whileRunning ? whileRunning(out) : Promise.resolve()).then(
          () => child.kill('SIGINT'),
          (e: unknown) => {
            child.kill('SIGINT');
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
      }
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, out, err });
    });
  });
}

t.test('busy ports are named; CERTGATE_PORTAL_LISTEN moves the upstream too', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const certs = t.testdir({});
  const base = { REDIS_URL: redis.url, CERTGATE_DEV_CERTS_DIR: certs, LOG_LEVEL: 'warn' };

  const busy = await holdPort();
  t.teardown(() => new Promise<void>((resolve) => busy.server.close(() => resolve())));
  const [gw, ops, portal] = [await freePort(), await freePort(), await freePort()];
  const addr = (p: number) => `127.0.0.1:${p}`;

  const gatewayBusy = await runDemo({ ...base, CERTGATE_LISTEN: addr(busy.port), CERTGATE_OPS_LISTEN: addr(ops), CERTGATE_PORTAL_LISTEN: addr(portal) });
  t.equal(gatewayBusy.code, 1);
  t.equal(gatewayBusy.err.trim().split('\n').length, 1, 'one line');
  t.match(gatewayBusy.err, `certgate demo: 127.0.0.1:${busy.port} is already in use by another program; set CERTGATE_LISTEN to a free address`);
  t.notMatch(gatewayBusy.err, /^Error|EADDRINUSE|\n\s+at /m, 'no bare error code or stack');

  const portalBusy = await runDemo({ ...base, CERTGATE_LISTEN: addr(gw), CERTGATE_OPS_LISTEN: addr(ops), CERTGATE_PORTAL_LISTEN: addr(busy.port) });
  t.equal(portalBusy.code, 1);
  t.match(portalBusy.err, /set CERTGATE_PORTAL_LISTEN to a free address/);

  const opsBusy = await runDemo({ ...base, CERTGATE_LISTEN: addr(gw), CERTGATE_OPS_LISTEN: addr(busy.port), CERTGATE_PORTAL_LISTEN: addr(portal) });
  t.equal(opsBusy.code, 1);
  t.match(opsBusy.err, /set CERTGATE_OPS_LISTEN to a free address/);

  let ready: { status: number; body: { checks: Record<string, { ok: boolean }> } } | undefined;
  const ok = await runDemo({ ...base, CERTGATE_LISTEN: addr(gw), CERTGATE_OPS_LISTEN: addr(ops), CERTGATE_PORTAL_LISTEN: addr(portal) }, async () => {
    // /readyz checks the upstream: it is ready only if the gateway proxies to the demo's portal port.
    // A ceiling for readiness (below runDemo's 60 s kill), not a speed check.
    for (const until = Date.now() + 40_000; Date.now() < until; ) {
      const res = await fetch(`http://${addr(ops)}/readyz`);
      ready = { status: res.status, body: (await res.json()) as { checks: Record<string, { ok: boolean }> } };
      if (ready.status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  t.equal(ok.code, 0, ok.err);
  t.equal(ready?.status, 200, JSON.stringify(ready?.body));
  t.equal(ready?.body.checks.upstream?.ok, true, 'the upstream is the portal on CERTGATE_PORTAL_LISTEN, not port 3000');
  t.match(ok.out, `URL:          https://localhost:${gw}/`);
  for (const name of ['demo.p12', 'demo-ec.p12', 'expired.p12', 'not-yet-valid.p12', 'unregistered.p12', 'foreign.p12', 'revoked.p12']) {
    t.match(ok.out, name, `the start message lists ${name}`);
  }
  t.match(ok.out, /revoked\.p12 .*CERTGATE_CRL=.*crl\.pem/, 'the revoked one says which CERTGATE_CRL it needs');
  t.match(ok.out, `portal:       http://127.0.0.1:${portal} (CERTGATE_PORTAL_LISTEN)`);
});
