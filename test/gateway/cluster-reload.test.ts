// SIGHUP to `certgate serve` with CERTGATE_WORKERS=2: the primary checks the new material and
// every worker presents the renewed server certificate; CRLs fetched once by the primary reach
// both workers.
import t from 'tap';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPki } from '../helpers/pki.js';
import { startRedis } from '../helpers/redis-server.js';
import { tlsExchange } from '../helpers/tls-session.js';
import { startUpstreamStub } from '../helpers/upstream-stub.js';
import { startCrlServer } from '../helpers/crl-server.js';
import { presentedFingerprint } from '../helpers/server-cert.js';
import { eventually, needsBuild, startServe } from '../helpers/cluster-process.js';
import { keys } from '../../src/store/keys.js';
import { encodeRegistration } from '../../src/registry/registration.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { createCrlDer, issueServerCert } from '../../src/tls/pki.js';

t.test('reload and CRLs across workers', { skip: needsBuild }, async (t) => {
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
  const serve = await startServe(t, {
    redisUrl: redis.url,
    upstreamUrl: upstream.url,
    clientCa: pki.file('ca.crt'),
    cert: join(dir, 'server.crt'),
    key: join(dir, 'server.key'),
    env: { CERTGATE_CRL_URL: crls.url('/ca.crl'), CERTGATE_CRL_CACHE_DIR: join(dir, 'crl-cache'), CERTGATE_WORKERS: '2' },
  });
  const { child, port, opsPort, exited } = serve;
  type Ready = { status: string; checks: { tls: { detail: { generation: number; workersBehind: number; server: Array<{ fingerprint256: string }> } } } };
  const readyz = async (): Promise<Ready | undefined> => {
    const r = await serve.readyz();
    return r?.status === 200 ? (r.body as Ready) : undefined;
  };
  // Waits for a state the workers reach by themselves, with a generous ceiling (not a speed check).
  const waitFor = (cond: (r: Ready) => boolean) =>
    eventually(async () => {
      const r = await readyz();
      return r && cond(r) ? r : undefined;
    });
  t.ok(await waitFor(() => true), `ready with both workers listening ${serve.stderr()}`);
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
  const scrape = () => fetch(`http://127.0.0.1:${opsPort}/metrics`).then((r) => r.text());
  const metrics = (await eventually(async () => {
    const text = await scrape();
    return /certgate_tls_reload_total\{outcome="failure"\} 1\n/.test(text) ? text : undefined;
  })) ?? (await scrape());
  t.match(metrics, /certgate_tls_reload_total\{outcome="failure"\} 1\n/, 'the broken key is refused');
  t.match(metrics, /certgate_tls_reload_total\{outcome="success"\} 1\n/, 'counted once per reload, by the primary');
  // A worker that dies now is replaced with the material in force, not with the broken files.
  const workerPids = serve.workerPids();
  t.equal(workerPids.length, 2);
  process.kill(workerPids[0]!, 'SIGKILL');
  const replaced = await eventually(async () => {
    const now = serve.workerPids();
    return now.length === 2 && !now.includes(workerPids[0]!) && (await readyz()) !== undefined ? true : undefined;
  });
  t.ok(replaced, 'the replacement worker is listening');
  const again = [];
  for (let i = 0; i < 6; i++) again.push(await presentedFingerprint(port, ca));
  t.same(again, again.map(() => fp), 'the replacement serves the certificate in force');
  t.match(metrics, /certgate_crl_number\{issuer="CN=certgate dev client CA, O=certgate development"\} 3\n/);

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM still stops everything');
  // Logs are buffered (4 KiB) and flushed at exit: read them now.
  t.match(serve.stdout(), /TLS reload failed, keeping the material in force: CERTGATE_TLS_KEY: .* does not belong to the certificate/, 'one clear log line');
  t.notMatch(serve.stdout(), /gateway worker failed to start/);
});
