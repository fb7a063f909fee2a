// CERTGATE_CRL_URL end to end: a CRL published on a loopback server is fetched at start, a newer one
// revokes a certificate even on a keep-alive connection opened before, and a stale CRL follows
// CERTGATE_CRL_STALE (warn: served, /readyz degraded; deny: cert-revocation-unknown).
import t, { type Test } from 'tap';
import { Agent } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrl, createCrlDer } from '../../src/tls/pki.js';
import { startStack } from '../helpers/stack.js';
import { startCrlServer } from '../helpers/crl-server.js';
import { testPki } from '../helpers/pki.js';

const DAY = 86_400_000;
const pki = testPki();

async function stackWith(t: Test, env: Record<string, string>) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'certgate-crl-'));
  const stack = await startStack({ env: { CERTGATE_CRL_CACHE_DIR: cacheDir, ...env }, register: ['demo', 'revoked'] });
  t.teardown(async () => {
    await stack.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });
  const ops = (path: string) => fetch(`http://127.0.0.1:${stack.gateway.opsPort}${path}`);
  return { stack, ops };
}

t.test('fetched at start, refreshed, applied to open connections', async (t) => {
  const server = await startCrlServer();
  t.teardown(() => server.close());
  server.der('/ca.crl', createCrlDer(pki.ca, [pki.clients.revoked.serial], { crlNumber: 100 }));
  const { stack, ops } = await stackWith(t, { CERTGATE_CRL_URL: server.url('/ca.crl') });
  t.equal(server.hits('/ca.crl'), 1, 'fetched once at start');

  const revoked = await stack.request('revoked', '/auth/login');
  t.equal(revoked.status, 403);
  t.equal(revoked.reason, 'cert-revoked');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const before = await stack.request('demo', '/auth/login', { agent });
  t.equal(before.status, 200);

  server.pem('/ca.crl', createCrl(pki.ca, [pki.clients.revoked.serial, pki.clients.demo.serial], { crlNumber: 101 }));
  t.same(await stack.gateway.revocation.fetcher!.refreshAll(), ['accepted']);
  const after = await stack.request('demo', '/auth/login', { agent });
  t.equal(after.status, 403, 'the same keep-alive connection is refused once the CRL lists the certificate');
  t.equal(after.reason, 'cert-revoked');

  const metrics = await (await ops('/metrics')).text();
  t.match(metrics, /certgate_crl_fetch_total\{outcome="accepted"\} 2/);
  t.match(metrics, /certgate_crl_number\{issuer="CN=certgate dev client CA, O=certgate development"\} 101/);
  t.match(metrics, /certgate_crl_next_update_seconds\{issuer="CN=certgate dev client CA, O=certgate development"\} \d+/);
  t.match(metrics, /certgate_crl_stale\{issuer="CN=certgate dev client CA, O=certgate development"\} 0/);
  const ready = (await (await ops('/readyz')).json()) as { status: string; checks: { tls: { detail: { revocation: { crls: Array<{ crlNumber: string; revoked: number; source: string }> } } } } };
  t.equal(ready.status, 'ready');
  t.match(ready.checks.tls.detail.revocation.crls, [{ crlNumber: '101', revoked: 2, source: server.url('/ca.crl') }]);
});

t.test('a stale CRL: warn keeps serving and says so', async (t) => {
  const server = await startCrlServer();
  t.teardown(() => server.close());
  const now = Date.now();
  server.der('/ca.crl', createCrlDer(pki.ca, [], { crlNumber: 1, thisUpdate: new Date(now - 9 * DAY), nextUpdate: new Date(now - 2 * DAY) }));
  const { stack, ops } = await stackWith(t, { CERTGATE_CRL_URL: server.url('/ca.crl') });
  t.equal((await stack.request('demo', '/auth/login')).status, 200, 'still served');
  const res = await ops('/readyz');
  t.equal(res.status, 200);
  const ready = (await res.json()) as { status: string; checks: { tls: { degraded: string } } };
  t.equal(ready.status, 'degraded');
  t.match(ready.checks.tls.degraded, /no current CRL for CN=certgate dev client CA.*CERTGATE_CRL_STALE=warn/);
  t.match(await (await ops('/metrics')).text(), /certgate_crl_stale\{issuer="CN=certgate dev client CA, O=certgate development"\} 1/);
});

t.test('a stale CRL under deny refuses that CA with cert-revocation-unknown', async (t) => {
  const server = await startCrlServer();
  t.teardown(() => server.close());
  const now = Date.now();
  server.der('/ca.crl', createCrlDer(pki.ca, [], { crlNumber: 1, thisUpdate: new Date(now - 9 * DAY), nextUpdate: new Date(now - 2 * DAY) }));
  const { stack } = await stackWith(t, { CERTGATE_CRL_URL: server.url('/ca.crl'), CERTGATE_CRL_STALE: 'deny' });
  const refused = await stack.request('demo', '/auth/login');
  t.equal(refused.status, 403);
  t.equal(refused.page, 'login-error');
  t.equal(refused.reason, 'cert-revocation-unknown');
  t.match(refused.body, /失効状態を確認できません/);
  // The CA publishes a current CRL: the next refresh lets the certificates in again.
  server.der('/ca.crl', createCrlDer(pki.ca, [], { crlNumber: 2 }));
  await stack.gateway.revocation.fetcher!.refreshAll();
  t.equal((await stack.request('demo', '/auth/login')).status, 200);
});

t.test('deny with the CA unreachable and nothing on disk: no revocation data, nobody of that CA passes', async (t) => {
  const server = await startCrlServer();
  t.teardown(() => server.close());
  server.fail('/ca.crl', 500);
  const { stack, ops } = await stackWith(t, { CERTGATE_CRL_URL: server.url('/ca.crl'), CERTGATE_CRL_STALE: 'deny' });
  t.equal((await stack.request('demo', '/auth/login')).reason, 'cert-revocation-unknown');
  t.match(await (await ops('/metrics')).text(), /certgate_crl_fetch_total\{outcome="error"\} 1/);
  const ready = (await (await ops('/readyz')).json()) as { checks: { tls: { degraded: string; detail: { revocation: { sources: Array<{ lastError: string }> } } } } };
  t.match(ready.checks.tls.degraded, /refused \(cert-revocation-unknown\)/);
  t.match(ready.checks.tls.detail.revocation.sources, [{ lastError: 'HTTP 500' }]);
});
