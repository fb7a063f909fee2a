// Reloading TLS material without a restart: a renewed server certificate is presented to new
// connections while open ones keep working; a key that does not match keeps the old material with
// one clear log line and a failure count; a second client CA and a new CRL file take effect.
import t from 'tap';
import { Agent } from 'node:https';
import { copyFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, createCrl, issueClientCert, issueServerCert } from '../../src/tls/pki.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { startStack } from '../helpers/stack.js';
import { testPki } from '../helpers/pki.js';
import { presentedFingerprint } from '../helpers/server-cert.js';

const pki = testPki();

t.test('server certificate, client CAs and CRL file reload in place', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'certgate-reload-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = (n: string) => join(dir, n);
  for (const n of ['server.crt', 'server.key', 'ca.crt', 'crl.pem']) copyFileSync(pki.file(n), file(n));
  const stack = await startStack({
    env: { CERTGATE_TLS_CERT: file('server.crt'), CERTGATE_TLS_KEY: file('server.key'), CERTGATE_CLIENT_CA: file('ca.crt'), CERTGATE_CRL: file('crl.pem') },
  });
  t.teardown(() => stack.close());
  const { port, opsPort } = stack.gateway;
  const ca = pki.ca.certPem;
  const ops = async (path: string) => (await fetch(`http://127.0.0.1:${opsPort}${path}`)).text();
  let handshakes = 0;
  stack.gateway.server.on('secureConnection', () => handshakes++);

  t.equal(await presentedFingerprint(port, ca), readCertificate(pki.server.der).fingerprint256);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  t.equal((await stack.request('demo', '/auth/login', { agent })).status, 200);

  // Renewal: new certificate and key for the same host names.
  const renewed = issueServerCert(pki.ca, { hosts: ['localhost', '127.0.0.1'], keyType: 'ec' });
  writeFileSync(file('server.crt'), renewed.certPem);
  writeFileSync(file('server.key'), renewed.keyPem);
  const result = stack.gateway.reload();
  t.equal(result.ok, true);
  const renewedFp = readCertificate(renewed.der).fingerprint256;
  t.equal(await presentedFingerprint(port, ca), renewedFp, 'new connections get the renewed certificate');
  const before = handshakes;
  t.equal((await stack.request('demo', '/auth/login', { agent })).status, 200, 'the open keep-alive connection keeps working');
  t.equal(handshakes, before, 'on the same connection (no new handshake)');
  const ready = JSON.parse(await ops('/readyz')) as { checks: { tls: { detail: { server: Array<{ fingerprint256: string; notAfter: string }>; clientCas: unknown[] } } } };
  t.equal(ready.checks.tls.detail.server[0]!.fingerprint256, renewedFp, '/readyz shows the loaded certificate');
  t.equal(ready.checks.tls.detail.server[0]!.notAfter, readCertificate(renewed.der).notAfter.toISOString());
  t.equal(ready.checks.tls.detail.clientCas.length, 1);

  // A key that does not belong to the certificate: nothing changes.
  writeFileSync(file('server.key'), pki.server.keyPem);
  const bad = stack.gateway.reload();
  t.equal(bad.ok, false);
  t.match(bad, { error: /CERTGATE_TLS_KEY: .* does not belong to the certificate/ });
  t.equal(await presentedFingerprint(port, ca), renewedFp, 'the material in force stays');
  t.ok(stack.logs.some((l) => l.level === 50 && /TLS reload failed, keeping the material in force: CERTGATE_TLS_KEY/.test(String(l.msg))), 'one clear log line');
  writeFileSync(file('server.crt'), 'not a certificate');
  t.match(stack.gateway.reload(), { ok: false, error: /CERTGATE_TLS_CERT/ });
  writeFileSync(file('server.crt'), renewed.certPem);
  writeFileSync(file('server.key'), renewed.keyPem);

  // Client CA rollover: the new CA is added next to the old one; its certificates pass after reload.
  const nextCa = createCa({ commonName: 'certgate dev client CA 2027' });
  const fromNext = issueClientCert(nextCa, { commonName: 'next-ca user' });
  await stack.register(fromNext);
  t.equal((await stack.request(fromNext, '/auth/login')).reason, 'cert-untrusted', 'not trusted before the reload');
  writeFileSync(file('ca.crt'), pki.ca.certPem + nextCa.certPem);
  // A new CRL file at the same time: demo is now revoked.
  writeFileSync(file('crl.pem'), createCrl(pki.ca, [pki.clients.revoked.serial, pki.clients.demo.serial], { crlNumber: Math.floor(Date.now() / 1000) + 60 }));
  t.equal(stack.gateway.reload().ok, true);
  t.equal((await stack.request(fromNext, '/auth/login')).status, 200, 'the new CA is trusted');
  t.equal((await stack.request('demo', '/auth/login')).reason, 'cert-revoked', 'the new CRL file is in force');
  t.equal((await stack.request('demo', '/auth/login', { agent })).reason, 'cert-revoked', 'also on the connection opened before');

  // Dropping the old CA: certificates it issued stop passing, even on open connections.
  writeFileSync(file('ca.crt'), nextCa.certPem);
  writeFileSync(file('crl.pem'), createCrl(nextCa, []));
  t.equal(stack.gateway.reload().ok, true);
  t.equal((await stack.request('demo-ec', '/auth/login')).reason, 'cert-untrusted');
  t.equal((await stack.request('demo', '/auth/login', { agent })).reason, 'cert-untrusted', 'an open connection of the removed CA is refused too');

  const metrics = await ops('/metrics');
  t.match(metrics, /certgate_tls_reload_total\{outcome="success"\} 3/);
  t.match(metrics, /certgate_tls_reload_total\{outcome="failure"\} 2/);
  t.match(metrics, new RegExp(`certgate_tls_not_after_seconds\\{kind="server",subject="CN=localhost"\\} ${Math.floor(readCertificate(renewed.der).notAfter.getTime() / 1000)}\n`));
  t.match(metrics, /certgate_tls_not_after_seconds\{kind="client-ca",subject="CN=certgate dev client CA 2027, O=certgate development"\} \d+/);
});

t.test('CERTGATE_TLS_WATCH=on: a renewed certificate written to disk is picked up without a signal', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'certgate-watch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = (n: string) => join(dir, n);
  for (const n of ['server.crt', 'server.key']) copyFileSync(pki.file(n), file(n));
  const stack = await startStack({ env: { CERTGATE_TLS_CERT: file('server.crt'), CERTGATE_TLS_KEY: file('server.key'), CERTGATE_TLS_WATCH: 'on' } });
  t.teardown(() => stack.close());
  const renewed = issueServerCert(pki.ca, { hosts: ['localhost', '127.0.0.1'] });
  // As certbot and friends do: write next to the file, then rename over it.
  writeFileSync(file('server.key.new'), renewed.keyPem);
  writeFileSync(file('server.crt.new'), renewed.certPem);
  renameSync(file('server.key.new'), file('server.key'));
  renameSync(file('server.crt.new'), file('server.crt'));
  const wanted = readCertificate(renewed.der).fingerprint256;
  // The change arrives through inotify: wait for the log line it produces (bounded), not for a fixed time.
  for (const until = Date.now() + 60_000; !stack.logs.some((l) => l.msg === 'TLS material reloaded') && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
  t.ok(stack.logs.some((l) => l.msg === 'TLS material changed on disk: reloading'));
  t.equal(await presentedFingerprint(stack.gateway.port, pki.ca.certPem), wanted);
  t.match(await (await fetch(`http://127.0.0.1:${stack.gateway.opsPort}/metrics`)).text(), /certgate_tls_reload_total\{outcome="success"\} 1\n/, 'one reload for both files');
});
