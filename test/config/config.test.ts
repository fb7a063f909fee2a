// Configuration: defaults, durations with suffixes, and one error naming every bad variable.
import t from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { parseDuration } from '../../src/config/duration.js';
import { isCertgateError } from '../../src/errors/certgate-error.js';

const SECRET = 'x'.repeat(32);

t.test('durations accept plain seconds and suffixes', async (t) => {
  t.equal(parseDuration('90'), 90_000);
  t.equal(parseDuration('90s'), 90_000);
  t.equal(parseDuration('30m'), 1_800_000);
  t.equal(parseDuration('12h'), 43_200_000);
  t.equal(parseDuration('2d'), 172_800_000);
  t.equal(parseDuration('250ms'), 250);
  t.equal(parseDuration('soon'), undefined);
  t.equal(parseDuration('-5m'), undefined);
});

t.test('defaults follow the README Configuration table', async (t) => {
  const c = loadConfig({ CERTGATE_SECRET: SECRET });
  t.equal(c.redisUrl, 'redis://127.0.0.1:6379');
  t.same(c.listen, { host: '0.0.0.0', port: 8443 });
  t.same(c.opsListen, { host: '127.0.0.1', port: 9090 });
  t.same(c.portalListen, { host: '127.0.0.1', port: 3000 });
  t.equal(c.upstream.href, 'http://127.0.0.1:3000/');
  t.equal(c.session.idleTimeoutMs, 30 * 60_000);
  t.equal(c.session.maxAgeMs, 12 * 3_600_000);
  t.equal(c.session.singleLogin, 'replace');
  t.equal(c.lockoutThreshold, 5);
  t.equal(c.certWarnDays, 60);
  t.same(c.argon2, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
  t.match(c.tls.certFile, /certs-dev\/server\.crt$/);
});

t.test('every bad variable is named in one error', async (t) => {
  try {
    loadConfig({
      REDIS_URL: 'http://nope',
      CERTGATE_LISTEN: 'localhost',
      CERTGATE_SESSION_IDLE_TIMEOUT: 'forever',
      CERTGATE_LOCKOUT_THRESHOLD: 'five',
      CERTGATE_SINGLE_LOGIN: 'both',
      CERTGATE_SECRET: 'short',
    });
    t.fail('should throw');
  } catch (err) {
    t.ok(isCertgateError(err) && err.code === 'CONFIG_INVALID');
    const message = (err as Error).message;
    for (const name of ['REDIS_URL', 'CERTGATE_LISTEN', 'CERTGATE_SESSION_IDLE_TIMEOUT', 'CERTGATE_LOCKOUT_THRESHOLD', 'CERTGATE_SINGLE_LOGIN', 'CERTGATE_SECRET']) {
      t.match(message, name, `names ${name}`);
    }
  }
});

t.test('the secret is required outside development, generated inside it', async (t) => {
  t.throws(() => loadConfig({}), /CERTGATE_SECRET is required/);
  const dev = loadConfig({ NODE_ENV: 'development' });
  t.equal(dev.secretGenerated, true);
  t.equal(dev.secret.length, 32);
});

t.test('max age may not be shorter than the idle timeout', async (t) => {
  t.throws(
    () => loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_SESSION_IDLE_TIMEOUT: '2h', CERTGATE_SESSION_MAX_AGE: '1h' }),
    /CERTGATE_SESSION_MAX_AGE/,
  );
});

t.test('production refuses the development TLS files: every missing variable is named', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production', CERTGATE_SECRET: SECRET }), /CERTGATE_TLS_CERT, CERTGATE_TLS_KEY, CERTGATE_CLIENT_CA must be set when NODE_ENV=production/);
  t.throws(() => loadConfig({ NODE_ENV: 'production', CERTGATE_SECRET: SECRET, CERTGATE_TLS_CERT: '/tls/c', CERTGATE_TLS_KEY: '/tls/k' }), /CERTGATE_CLIENT_CA must be set/);
  const c = loadConfig({ NODE_ENV: 'production', CERTGATE_SECRET: SECRET, CERTGATE_TLS_CERT: '/tls/c', CERTGATE_TLS_KEY: '/tls/k', CERTGATE_CLIENT_CA: '/tls/ca' });
  t.same(c.tls, { certFile: '/tls/c', keyFile: '/tls/k', clientCaFile: '/tls/ca', crlFile: undefined, ticketRotationMs: 12 * 3_600_000 });
  t.match(loadConfig({ CERTGATE_SECRET: SECRET }).tls.certFile, /certs-dev\/server\.crt$/, 'outside production the dev files stay the default');
});

t.test('hardening variables: defaults, and keys derived per purpose', async (t) => {
  const c = loadConfig({ CERTGATE_SECRET: SECRET });
  t.equal(c.assertion.maxAgeMs, 30_000);
  t.same(c.certLogin, { failureLimit: 20, cooldownMs: 15 * 60_000 });
  t.equal(c.publicHost, undefined);
  t.equal(c.metricsToken, undefined);
  const distinct = new Set([c.keys.cookie, c.keys.csrf, c.keys.assertion, c.secret].map((k) => k.toString('hex')));
  t.equal(distinct.size, 4, 'cookie, CSRF and assertion keys differ from each other and from the secret');
  const set = loadConfig({
    CERTGATE_SECRET: SECRET,
    CERTGATE_ASSERTION_MAX_AGE: '10s',
    CERTGATE_CERT_FAILURE_LIMIT: '3',
    CERTGATE_CERT_COOLDOWN: '2m',
    CERTGATE_PUBLIC_HOST: 'portal.example.jp:8443',
    CERTGATE_ASSERTION_KEY: c.keys.assertion.toString('base64url'),
  });
  t.equal(set.assertion.maxAgeMs, 10_000);
  t.same(set.certLogin, { failureLimit: 3, cooldownMs: 120_000 });
  t.equal(set.publicHost, 'portal.example.jp:8443');
  t.throws(() => loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_ASSERTION_KEY: 'short', CERTGATE_PUBLIC_HOST: 'a b', CERTGATE_METRICS_TOKEN: 'x' }), /CERTGATE_ASSERTION_KEY[\s\S]*CERTGATE_PUBLIC_HOST[\s\S]*CERTGATE_METRICS_TOKEN|CERTGATE_PUBLIC_HOST[\s\S]*CERTGATE_METRICS_TOKEN[\s\S]*CERTGATE_ASSERTION_KEY/);
  t.equal(loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_ARGON2_MEMORY_KIB: '65536' }).argon2.memoryCost, 65536, 'variables with digits in their names are read');
  t.equal(loadConfig({ CERTGATE_PORTAL_LISTEN: '127.0.0.1:0', CERTGATE_ASSERTION_KEY: c.keys.assertion.toString('base64url') }, { purpose: 'portal' }).keys.assertion.equals(c.keys.assertion), true, 'the portal needs the assertion key alone');
});

t.test('URL settings name the variable and the schemes they accept', async (t) => {
  t.throws(() => loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_UPSTREAM: 'ftp://portal.internal' }), /CERTGATE_UPSTREAM must be a URL starting with http:\/\/ or https:\/\//);
  t.throws(() => loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_OCSP_URL: 'not a url' }), /CERTGATE_OCSP_URL must be a URL starting with http:\/\/ or https:\/\//);
  t.equal(loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_UPSTREAM: 'https://portal.internal:8443' }).upstream.href, 'https://portal.internal:8443/');
});

t.test('the removed CERTGATE_TRUST_PROXY_PROTOCOL is refused with a line saying so', async (t) => {
  t.throws(() => loadConfig({ CERTGATE_SECRET: SECRET, CERTGATE_TRUST_PROXY_PROTOCOL: '1' }), /CERTGATE_TRUST_PROXY_PROTOCOL is not supported/);
  t.doesNotThrow(() => loadConfig({ CERTGATE_SECRET: SECRET }));
});
