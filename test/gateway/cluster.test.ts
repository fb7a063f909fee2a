// `certgate serve` with CERTGATE_WORKERS=2 (the compiled CLI, as operators run it): workers share
// session-ticket keys so a ticket from one worker resumes on the other, the primary answers the ops
// endpoints for all of them, and SIGTERM stops the whole tree with exit code 0.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testPki } from '../helpers/pki.js';
import { freePort, startRedis } from '../helpers/redis-server.js';
import { tlsExchange } from '../helpers/tls-session.js';
import { startUpstreamStub } from '../helpers/upstream-stub.js';
import { keys } from '../../src/store/keys.js';
import { encodeRegistration } from '../../src/registry/registration.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { TEST_SECRET } from '../helpers/stack.js';

const bin = join(import.meta.dirname, '../../bin/certgate.js');

t.test('two workers behind one port', { skip: existsSync(join(import.meta.dirname, '../../dist/src/cli/main.js')) ? false : 'needs the build (npm run build)' }, async (t) => {
  const pki = testPki();
  const redis = await startRedis();
  const upstream = await startUpstreamStub();
  t.teardown(async () => {
    await upstream.close();
    await redis.stop();
  });
  const facts = readCertificate(pki.clients.demo.der);
  await redis.client().set(keys.registration(facts.issuerId, facts.serial), encodeRegistration({ issuerId: facts.issuerId, serial: facts.serial, operatorId: 'DEMO', addedAt: Date.now() }));
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
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  let ready = 0;
  for (let i = 0; i < 100 && ready !== 200; i++) {
    ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`).then((r) => r.status, () => 0);
    if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(ready, 200, `ready with both workers listening ${stderr}`);

  const ca = pki.ca.certPem;
  const first = await tlsExchange(port, { ca, cert: pki.clients.demo.certPem, key: pki.clients.demo.keyPem });
  t.equal(first.status, 200);
  const resumed = [];
  for (let i = 0; i < 6; i++) resumed.push(await tlsExchange(port, { ca, session: first.session! }));
  t.same(
    resumed.map((r) => [r.reused, r.status]),
    resumed.map(() => [true, 200]),
    'every connection resumed, whichever worker took it',
  );
  const anonymous = await tlsExchange(port, { ca });
  const sneaky = await tlsExchange(port, { ca, session: anonymous.session! });
  t.equal(sneaky.reason, 'cert-missing', 'a resumed certificate-less session is refused on every worker');

  const metrics = await fetch(`http://127.0.0.1:${opsPort}/metrics`).then((r) => r.text());
  t.match(metrics, /certgate_requests_total\{outcome="auth-page"\} 7/, 'metrics aggregated over workers');
  t.match(metrics, /certgate_certificates\{state="active"\} 1\n/, 'sampled gauges are not multiplied by the worker count');

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM stops primary and workers with exit code 0');
  await t.rejects(tlsExchange(port, { ca }), 'port closed');
});
