// Revocation settings: defaults, `cdp` or URL lists, and one message naming each bad variable.
import t from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { varDir } from '../../src/config/paths.js';

const SECRET = 'x'.repeat(32);

t.test('defaults', async (t) => {
  const r = loadConfig({ CERTGATE_SECRET: SECRET }).revocation;
  t.same(r, {
    crlUrls: [],
    crlFromCdp: false,
    crlRefreshMs: 3_600_000,
    crlStale: 'warn',
    crlGraceMs: 3_600_000,
    crlTimeoutMs: 10_000,
    crlCacheDir: `${varDir()}/crl`,
    ocsp: 'off',
    ocspUrl: undefined,
    ocspTimeoutMs: 5000,
    ocspCacheMs: 3_600_000,
    watchFiles: false,
  });
});

t.test('given values', async (t) => {
  const r = loadConfig({
    CERTGATE_SECRET: SECRET,
    CERTGATE_CRL_URL: ' http://ca.example/a.crl , https://ca.example/b.crl ',
    CERTGATE_CRL_REFRESH: '15m',
    CERTGATE_CRL_STALE: 'deny',
    CERTGATE_CRL_GRACE: '0',
    CERTGATE_CRL_CACHE_DIR: '/var/lib/certgate/crl',
    CERTGATE_OCSP: 'require',
    CERTGATE_OCSP_URL: 'http://ocsp.example/',
    CERTGATE_TLS_WATCH: 'on',
  }).revocation;
  t.equal(r.watchFiles, true);
  t.same(r.crlUrls, ['http://ca.example/a.crl', 'https://ca.example/b.crl']);
  t.equal(r.crlRefreshMs, 900_000);
  t.equal(r.crlStale, 'deny');
  t.equal(r.crlGraceMs, 0);
  t.equal(r.crlCacheDir, '/var/lib/certgate/crl');
  t.equal(r.ocsp, 'require');
  t.equal(r.ocspUrl, 'http://ocsp.example/');
  t.match(loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_CRL_URL: 'CDP' }).revocation, { crlUrls: [], crlFromCdp: true }, 'cdp in any case');
});

t.test('bad values are named', async (t) => {
  const err = (() => {
    try {
      loadConfig({
        CERTGATE_SECRET: SECRET,
        CERTGATE_CRL_URL: 'ldap://ca.example/cn=crl',
        CERTGATE_CRL_REFRESH: '1s',
        CERTGATE_CRL_STALE: 'ignore',
        CERTGATE_OCSP: 'on',
        CERTGATE_TLS_WATCH: 'yes',
      });
    } catch (e) {
      return e as Error;
    }
    return undefined;
  })();
  t.match(err?.message, /CERTGATE_CRL_URL must be "cdp" or comma-separated http:\/\/ or https:\/\/ URLs/);
  t.match(err?.message, /CERTGATE_CRL_REFRESH must be a duration/);
  t.match(err?.message, /CERTGATE_CRL_STALE must be "warn" or "deny"/);
  t.match(err?.message, /CERTGATE_OCSP must be "off", "prefer" or "require"/);
  t.match(err?.message, /CERTGATE_TLS_WATCH must be "on" or "off"/);
  t.throws(() => loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_CRL_URL: ' , ' }), { message: /CERTGATE_CRL_URL/ });
  t.throws(() => loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_CRL_URL: 'http://ok/a.crl,not a url' }), { message: /CERTGATE_CRL_URL/ });
});
