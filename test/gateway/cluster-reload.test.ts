// SIGHUP to `certgate serve` with CERTGATE_WORKERS=2: the primary checks the new material and
// every worker presents the renewed server certificate; CRLs fetched once by the primary reach
// both workers.
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPki } from '../helpers/pki.js';
import { freePort, startRedis } from '../helpers/redis-server.js';
import { tlsExchange } from '../helpers/tls-session.js';
import { startUpstreamStub } from '../helpers/upstream-stub.js';
import { startCrlServer } from '../helpers/crl-server.js';
import { presentedFingerprint } from '../helpers/server-cert.js';
import { keys } from '../../src/store/keys.js';
import { encodeRegistration } from '../../src/registry/registration.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { createCrlDer, issueServerCert } from '../../src/tls/pki.js';
import { TEST_SECRET } from '../helpers/stack.js';

const bin = join(import.meta.dirname, '../../bin/certgate.js');
const built = existsSync(join(import.meta.dirname, '../../dist/src/cli/main.js'));

t.test('reload and CRLs across workers', { skip: built ? false : 'needs the build (npm run build)' }, async (t) => {
  const pki = testPki();
  const redis = await startRedis();
  const upstream = await startUpstreamStub();
  const crls = await startCrlServer();
  const dir = mkdtempSync(join(tmpdir(), 'certgate-cluster-reload-'));
  t.teardown(async () => {
    await upstream.close();
    await redis.stop();
    await crls.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const n of ['server.crt', 'server.key']) copyFileSync(pki.file(n), join(dir, n));
  for (const name of ['demo', 'revoked'] as const) {
    const f = readCertificate(pki.clients[name].der);
    await redis.client().set(keys.registration(f.issuerId, f.serial), encodeRegistration({ issuerId: f.issuerId, serial: f.serial, operatorId: 'DEMO', addedAt: Date.now() }));
  }
  crls.der('/ca.crl', createCrlDer(pki.ca, [pki.clients.revoked.serial], { crlNumber: 3 }));
  const port = await freePort();
  const opsPort = await freePort();
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: redis.url,
      CERTGATE_LISTEN: `127.0.0.1:${port}`,
      CERTGATE_OPS_LISTEN: `127.0.0.1:${opsPort}`,
      CERTGATE_TLS_CERT: join(dir, 'server.crt'),
      CERTGATE_TLS_KEY: join(dir, 'server.key'),
      CERTGATE_CLIENT_CA: pki.file('ca.crt'),
      CERTGATE_CRL_URL: crls.url('/ca.crl'),
      CERTGATE_CRL_CACHE_DIR: join(dir, 'crl-cache'),
      CERTGATE_UPSTREAM: upstream.url,
      CERTGATE_SECRET: TEST_SECRET,
      CERTGATE_WORKERS: '2',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  type Ready = { status: string; checks: { tls: { detail: { generation: number; workersBehind: number; server: Array<{ fingerprint256: string }> } } } };
  const readyz = async (): Promise<Ready | undefined> =>
    fetch(`http://127.0.0.1:${opsPort}/readyz`).then(async (r) => (r.status === 200 ? ((await r.json()) as Ready) : undefined), () => undefined);
  const waitFor = async (cond: (r: Ready) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const r = await readyz();
      if (r && cond(r)) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
    return undefined;
  };
  t.ok(await waitFor(() => true), `ready with both workers listening ${stderr}`);
  t.equal(crls.hits('/ca.crl'), 1, 'the primary fetched the CRL once for both workers');

  const ca = pki.ca.certPem;
  const client = (name: 'demo' | 'revoked') => ({ ca, cert: pki.clients[name].certPem, key: pki.clients[name].keyPem, minVersion: 'TLSv1.2' as const });
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push((await tlsExchange(port, client('revoked'))).reason);
  t.same(answers, answers.map(() => 'cert-revoked'), 'every worker has the CRL');

  const renewed = issueServerCert(pki.ca, { hosts: ['localhost', '127.0.0.1'] });
  writeFileSync(join(dir, 'server.crt'), renewed.certPem);
  writeFileSync(join(dir, 'server.key'), renewed.keyPem);
  child.kill('SIGHUP');
  const after = await waitFor((r) => r.checks.tls.detail.generation === 1 && r.checks.tls.detail.workersBehind === 0);
  t.ok(after, 'both workers applied the reload');
  const fp = readCertificate(renewed.der).fingerprint256;
  t.equal(after?.checks.tls.detail.server[0]?.fingerprint256, fp);
  const presented = [];
  for (let i = 0; i < 6; i++) presented.push(await presentedFingerprint(port, ca));
  t.same(presented, presented.map(() => fp), 'every worker presents the renewed certificate');
  t.equal((await tlsExchange(port, client('demo'))).status, 200);

  // A broken key next: refused by the primary, the workers are not told.
  writeFileSync(join(dir, 'server.key'), pki.server.keyPem);
  child.kill('SIGHUP');
  let metrics = '';
  for (let i = 0; i < 100 && !/certgate_tls_reload_total\{outcome="failure"\} 1\n/.test(metrics); i++) {
    metrics = await fetch(`http://127.0.0.1:${opsPort}/metrics`).then((r) => r.text());
    if (!/outcome="failure"/.test(metrics)) await new Promise((res) => setTimeout(res, 50));
  }
  t.match(metrics, /certgate_tls_reload_total\{outcome="failure"\} 1\n/, 'the broken key is refused');
  t.match(metrics, /certgate_tls_reload_total\{outcome="success"\} 1\n/, 'counted once per reload, by the primary');
  // A worker that dies now is replaced with the material in force, not with the broken files.
  const workerPids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)]).toString().trim().split(/\s+/).map(Number);
  t.equal(workerPids.length, 2);
  process.kill(workerPids[0]!, 'SIGKILL');
  let replaced = false;
  for (let i = 0; i < 200 && !replaced; i++) {
    const now = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)]).toString().trim().split(/\s+/).map(Number);
    replaced = now.length === 2 && !now.includes(workerPids[0]!) && (await readyz()) !== undefined;
    if (!replaced) await new Promise((res) => setTimeout(res, 50));
  }
  t.ok(replaced, 'the replacement worker is listening');
  const again = [];
  for (let i = 0; i < 6; i++) again.push(await presentedFingerprint(port, ca));
  t.same(again, again.map(() => fp), 'the replacement serves the certificate in force');
  t.match(metrics, /certgate_crl_number\{issuer="CN=certgate dev client CA, O=certgate development"\} 3\n/);

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM still stops everything');
  // Logs are buffered (4 KiB) and flushed at exit: read them now.
  t.match(stdout, /TLS reload failed, keeping the material in force: CERTGATE_TLS_KEY: .* does not belong to the certificate/, 'one clear log line');
  t.notMatch(stdout, /gateway worker failed to start/);
});
