// CRLs fetched from a loopback publication point: DER and PEM, signature and cRLNumber checks,
// failures keep the CRL in force, and the last good CRL survives a restart on disk.
import t, { type Test } from 'tap';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CrlFetcher, type FetchOutcome } from '../../src/tls/crl-fetcher.js';
import { CrlState } from '../../src/tls/crl-state.js';
import { createCrl, createCrlDer } from '../../src/tls/pki.js';
import { createLogger } from '../../src/log/logger.js';
import { testPki } from '../helpers/pki.js';
import { startCrlServer } from '../helpers/crl-server.js';

const pki = testPki();
const DAY = 86_400_000;

function setup(t: Test, o: { timeoutMs?: number; cacheDir?: string } = {}) {
  const cacheDir = o.cacheDir ?? mkdtempSync(join(tmpdir(), 'certgate-crl-cache-'));
  t.teardown(() => rmSync(cacheDir, { recursive: true, force: true }));
  const lines: string[] = [];
  const logger = createLogger({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
  const state = new CrlState();
  const outcomes: FetchOutcome[] = [];
  const fetcher = new CrlFetcher({
    state,
    cas: () => pki.trustedCas,
    cacheDir,
    refreshMs: 3_600_000,
    timeoutMs: o.timeoutMs ?? 5000,
    logger,
    onFetch: (outcome) => outcomes.push(outcome),
  });
  t.teardown(() => fetcher.stop());
  return { state, fetcher, outcomes, lines, cacheDir };
}

t.test('DER and PEM, newer replaces older, lower cRLNumber refused', async (t) => {
  const server = await startCrlServer();
  t.teardown(() => server.close());
  const { state, fetcher, outcomes, lines, cacheDir } = setup(t);
  server.der('/ca.crl', createCrlDer(pki.ca, [], { crlNumber: 10 }));
  await fetcher.add([server.url('/ca.crl')]);
  t.same(outcomes, ['accepted']);
  t.equal(state.get(pki.ca.id)?.crlNumber, 10n);
  t.notOk(state.isRevoked(pki.ca.id, pki.clients.demo.serial));

  server.pem('/ca.crl', createCrl(pki.ca, [pki.clients.demo.serial], { crlNumber: 11 }));
  t.same(await fetcher.refreshAll(), ['accepted'], 'PEM accepted');
  t.ok(state.isRevoked(pki.ca.id, pki.clients.demo.serial), 'the newer CRL is in force');
  t.same(readdirSync(cacheDir), [`${pki.ca.id}.pem`], 'kept on disk per CA');

  server.der('/ca.crl', createCrlDer(pki.ca, [], { crlNumber: 9 }));
  t.same(await fetcher.refreshAll(), ['older'], 'a replayed older CRL is refused');
  t.ok(state.isRevoked(pki.ca.id, pki.clients.demo.serial), 'the revocation stays');
  t.match(lines.join(''), /cRLNumber is lower/);
  t.same(await fetcher.refreshAll(), ['older']);
  server.pem('/ca.crl', createCrl(pki.ca, [pki.clients.demo.serial], { crlNumber: 11 }));
  t.same(await fetcher.refreshAll(), ['unchanged']);
  t.match(fetcher.status(), [{ url: server.url('/ca.crl'), lastError: null, failures: 0 }]);
});

t.test('failures keep the CRL in force and are reported', async (t) => {
  const server = await startCrlServer();
  t.teardown(() => server.close());
  const { state, fetcher, lines } = setup(t, { timeoutMs: 300 });
  server.der('/ca.crl', createCrlDer(pki.ca, [pki.clients.revoked.serial], { crlNumber: 5 }));
  await fetcher.add([server.url('/ca.crl')]);
  server.fail('/ca.crl', 503);
  t.same(await fetcher.refreshAll(), ['error']);
  server.der('/ca.crl', createCrlDer(pki.foreignCa, [], { crlNumber: 6 }));
  t.same(await fetcher.refreshAll(), ['error'], 'signed by a CA that is not trusted');
  server.der('/ca.crl', Buffer.from('<html>maintenance</html>'));
  t.same(await fetcher.refreshAll(), ['error'], 'not a CRL');
  server.hang('/ca.crl');
  t.same(await fetcher.refreshAll(), ['error'], 'no answer within the timeout');
  t.ok(state.isRevoked(pki.ca.id, pki.clients.revoked.serial), 'the last good CRL is still in force');
  t.match(fetcher.status(), [{ failures: 4, lastError: String }]);
  t.match(lines.join(''), /HTTP 503/);
  t.match(lines.join(''), /not signed by any trusted client CA/);
});

t.test('a restart during a CA outage starts from the CRL kept on disk', async (t) => {
  const server = await startCrlServer();
  t.teardown(() => server.close());
  const first = setup(t);
  server.der('/ca.crl', createCrlDer(pki.ca, [pki.clients.revoked.serial], { crlNumber: 7, nextUpdate: new Date(Date.now() + DAY) }));
  await first.fetcher.add([server.url('/ca.crl')]);
  first.fetcher.stop();

  server.fail('/ca.crl', 500);
  const second = setup(t, { cacheDir: first.cacheDir });
  second.fetcher.loadCache();
  await second.fetcher.add([server.url('/ca.crl')]);
  t.same(second.outcomes, ['error'], 'the CA is down');
  t.ok(second.state.isRevoked(pki.ca.id, pki.clients.revoked.serial), 'revocations known before the restart still hold');
  t.equal(second.state.get(pki.ca.id)?.crlNumber, 7n);
  t.match(second.state.get(pki.ca.id)?.source, /^cache:/);
});

t.test('staleness is judged at the time asked', async (t) => {
  const state = new CrlState();
  const { verifyCrl } = await import('../../src/tls/crl.js');
  const now = Date.now();
  t.ok(state.isStale(pki.ca.id, now, 0), 'no CRL at all');
  state.offer([verifyCrl(createCrlDer(pki.ca, [], { crlNumber: 1, thisUpdate: new Date(now - DAY), nextUpdate: new Date(now + DAY) }), pki.trustedCas)], 'test');
  t.notOk(state.isStale(pki.ca.id, now, 0));
  t.notOk(state.isStale(pki.ca.id, now + DAY + 1000, 3_600_000), 'within the grace period');
  t.ok(state.isStale(pki.ca.id, now + DAY + 3_600_001, 3_600_000), 'past nextUpdate plus grace');
});

t.test('next fetch: the refresh period, sooner at nextUpdate, backoff after failures', async (t) => {
  const server = await startCrlServer();
  t.teardown(() => server.close());
  const cacheDir = mkdtempSync(join(tmpdir(), 'certgate-crl-cache-'));
  t.teardown(() => rmSync(cacheDir, { recursive: true, force: true }));
  const now = Date.UTC(2026, 10, 1, 0, 0, 0);
  const state = new CrlState();
  const fetcher = new CrlFetcher({ state, cas: () => pki.trustedCas, cacheDir, refreshMs: 3_600_000, timeoutMs: 5000, logger: createLogger({ level: 'silent' }), now: () => now });
  t.teardown(() => fetcher.stop());
  const next = () => Date.parse(fetcher.status()[0]!.nextFetchAt!) - now;
  server.der('/ca.crl', createCrlDer(pki.ca, [], { crlNumber: 1, nextUpdate: new Date(Date.now() + 2 * DAY) }));
  await fetcher.add([server.url('/ca.crl')]);
  t.equal(next(), 3_600_000, 'CERTGATE_CRL_REFRESH when nextUpdate is further away');
  server.der('/ca.crl', createCrlDer(pki.ca, [], { crlNumber: 2, nextUpdate: new Date(now + 20 * 60_000) }));
  await fetcher.refreshAll();
  t.equal(next(), 20 * 60_000, 'at nextUpdate when it comes first');
  server.der('/ca.crl', createCrlDer(pki.ca, [], { crlNumber: 3, nextUpdate: new Date(now - DAY) }));
  await fetcher.refreshAll();
  t.equal(next(), 30_000, 'a CRL already past nextUpdate is not fetched in a loop');
  server.fail('/ca.crl', 502);
  const delays = [];
  for (let i = 0; i < 4; i++) {
    await fetcher.refreshAll();
    delays.push(next());
  }
  t.same(delays, [5000, 10_000, 20_000, 40_000], 'retries back off');
});
