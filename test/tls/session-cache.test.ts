// The TLS session-id cache's stated bounds: entry count, bytes, lifetime (moved by an injected
// clock), least-recently-used eviction, and the protocol filter that keeps TLS 1.3 sessions out.
import t from 'tap';
import { SESSION_CACHE_DEFAULTS, TlsSessionCache, sessionProtocol } from '../../src/tls/session-cache.js';
import { FACTS_CACHE_MAX, factsCacheSize, factsOf } from '../../src/gateway/peer-certificate.js';
import { testPki } from '../helpers/pki.js';

const id = (n: number) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const data = (bytes: number, fill = 1) => Buffer.alloc(bytes, fill);

t.test('defaults are the documented ones', async (t) => {
  const cache = new TlsSessionCache();
  t.equal(cache.maxEntries, 10_000);
  t.equal(cache.maxBytes, 16 * 1024 * 1024);
  t.equal(cache.ttlMs, 300_000);
  t.same(SESSION_CACHE_DEFAULTS, { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024, ttlMs: 300_000 });
});

t.test('entry bound: the least recently used session goes first', async (t) => {
  const cache = new TlsSessionCache({ maxEntries: 3 });
  for (let i = 1; i <= 3; i++) cache.set(id(i), data(10, i));
  t.ok(cache.get(id(1)), 'touch 1: now 2 is the oldest');
  cache.set(id(4), data(10, 4));
  t.equal(cache.size, 3);
  t.equal(cache.get(id(2)), undefined, 'evicted');
  t.same(cache.get(id(1)), data(10, 1));
  t.same(cache.get(id(4)), data(10, 4));
});

t.test('byte bound: sessions are evicted until the data fits', async (t) => {
  const cache = new TlsSessionCache({ maxBytes: 1000 });
  for (let i = 1; i <= 4; i++) cache.set(id(i), data(300));
  t.equal(cache.byteSize, 900, 'the first one went to make room for the fourth');
  t.equal(cache.get(id(1)), undefined);
  cache.set(id(9), data(2000));
  t.equal(cache.get(id(9)), undefined, 'a session larger than the whole cache is not stored');
  t.equal(cache.byteSize, 900);
  cache.set(id(2), data(100));
  t.equal(cache.byteSize, 700, 'storing the same id again replaces its bytes');
});

t.test('lifetime: a session expires ttlMs after it was stored, use does not extend it', async (t) => {
  let now = 1_000_000;
  const cache = new TlsSessionCache({ ttlMs: 300_000, clock: () => now });
  cache.set(id(1), data(10));
  now += 299_999;
  t.ok(cache.get(id(1)), 'still there just before the end');
  now += 1;
  t.equal(cache.get(id(1)), undefined, 'gone at ttlMs');
  t.equal(cache.size, 0, 'and removed');
});

t.test('clear forgets everything', async (t) => {
  const cache = new TlsSessionCache();
  cache.set(id(1), data(10));
  cache.clear();
  t.equal(cache.size, 0);
  t.equal(cache.byteSize, 0);
  t.equal(cache.get(id(1)), undefined);
});

t.test('sessionProtocol reads the version of a serialised SSL_SESSION', async (t) => {
  // Headers as OpenSSL writes them (captured from node:tls): TLS 1.3 and TLS 1.2 sessions.
  t.equal(sessionProtocol(Buffer.from('30819f020101020203040402', 'hex')), 0x0304);
  t.equal(sessionProtocol(Buffer.from('30819b020101020203030402', 'hex')), 0x0303);
  t.equal(sessionProtocol(Buffer.from('3082019b020101020203030402', 'hex')), 0x0303, 'two length bytes');
  t.equal(sessionProtocol(Buffer.from('not a session')), undefined);
  t.equal(sessionProtocol(Buffer.alloc(0)), undefined);
});

t.test('certificate facts are parsed once per DER and the cache is bounded', async (t) => {
  const der = testPki().clients.demo.der;
  const first = factsOf(der);
  t.ok(first, 'a real certificate parses');
  t.equal(factsOf(Buffer.from(der)), first, 'the same bytes in another buffer give the cached facts');
  t.equal(factsOf(Buffer.from('garbage')), undefined, 'undecodable bytes give no facts');
  for (let i = 0; i < FACTS_CACHE_MAX + 10; i++) factsOf(Buffer.from(`not a certificate ${i}`));
  t.equal(factsCacheSize(), FACTS_CACHE_MAX, `never more than ${FACTS_CACHE_MAX} certificates`);
  const again = factsOf(der);
  t.not(again, first, 'the oldest entry was evicted, so the certificate is parsed again');
  t.same(again, first, 'to the same facts');
});
