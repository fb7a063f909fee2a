// Session-ticket keys rotate (CERTGATE_TLS_TICKET_ROTATION) in a single process and, with
// CERTGATE_WORKERS=2, the primary hands every worker the same new keys: a new ticket resumes on
// whichever worker takes the connection, a ticket from before the rotation no longer does.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testPki } from '../helpers/pki.js';
import { freePort, startRedis } from '../helpers/redis-server.js';
import { tlsExchange } from '../helpers/tls-session.js';
import { startUpstreamStub } from '../helpers/upstream-stub.js';
import { startStack, TEST_SECRET } from '../helpers/stack.js';

const bin = join(import.meta.dirname, '../../bin/certgate.js');

t.test('one process rotates its own keys', async (t) => {
  const stack = await startStack({ env: { CERTGATE_TLS_TICKET_ROTATION: '1s' } });
  t.teardown(() => stack.close());
  const before = stack.gateway.server.getTicketKeys().toString('hex');
  let after = before;
  for (let i = 0; i < 40 && after === before; i++) {
    await sleep(100);
    after = stack.gateway.server.getTicketKeys().toString('hex');
  }
  t.not(after, before, 'new keys after the rotation interval');
});

t.test('workers share each new set of keys', { skip: existsSync(join(import.meta.dirname, '../../dist/src/cli/main.js')) ? false : 'needs the build (npm run build)' }, async (t) => {
  const pki = testPki();
  const redis = await startRedis();
  const upstream = await startUpstreamStub();
  t.teardown(async () => {
    await upstream.close();
    await redis.stop();
  });
  const port = await freePort();
  const opsPort = await freePort();
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: redis.url,
      CERTGATE_LISTEN: `127.0.0.1:${port}`,
      CERTGATE_OPS_LISTEN: `127.0.0.1:${opsPort}`,
      CERTGATE_TLS_CERT: pki.file('server.crt'),
      CERTGATE_TLS_KEY: pki.file('server.key'),
      CERTGATE_CLIENT_CA: pki.file('ca.crt'),
      CERTGATE_UPSTREAM: upstream.url,
      CERTGATE_SECRET: TEST_SECRET,
      CERTGATE_WORKERS: '2',
      CERTGATE_TLS_TICKET_ROTATION: '3s',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let ready = 0;
  for (let i = 0; i < 100 && ready !== 200; i++) {
    ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`).then((r) => r.status, () => 0);
    if (ready !== 200) await sleep(100);
  }
  t.equal(ready, 200);
  const checks = ((await (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> }).checks;
  t.equal(checks.hasher?.ok, true, "the primary's readiness includes every worker's argon2 child");
  const ca = pki.ca.certPem;
  const client = { ca, cert: pki.clients.demo.certPem, key: pki.clients.demo.keyPem };
  // A fresh ticket resumes on every worker; a rotation may fall inside one try, so up to three tries.
  const freshTicketResumesEverywhere = async (): Promise<Buffer | undefined> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const ticket = (await tlsExchange(port, client)).session!;
      const reused = [];
      for (let i = 0; i < 6; i++) reused.push((await tlsExchange(port, { ca, session: ticket })).reused);
      if (reused.every(Boolean)) return ticket;
    }
    return undefined;
  };
  const old = await freshTicketResumesEverywhere();
  t.ok(old, 'a ticket resumes on every worker');
  let rotated = false;
  for (let i = 0; old && i < 40 && !rotated; i++) {
    await sleep(200);
    rotated = !(await tlsExchange(port, { ca, session: old })).reused;
  }
  t.ok(rotated, 'a ticket from before the rotation is no longer accepted');
  t.ok(await freshTicketResumesEverywhere(), 'a ticket issued under the new keys resumes on every worker');
  child.kill('SIGTERM');
});
