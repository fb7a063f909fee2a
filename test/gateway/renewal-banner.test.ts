// The renewal banner: shown on gateway pages while the presented certificate expires within
// CERTGATE_CERT_WARN_DAYS, not outside that window; plus the security headers of gateway pages.
import t from 'tap';
import { startStack, testClock } from '../helpers/stack.js';

const DAY = 86_400_000;

t.test('banner inside the warning window only', async (t) => {
  // Days left are Japan calendar days: the gateway's clock is set to 09:00 JST today, so "10 days and
  // an hour" is 10 days at any hour the suite runs (on the real clock it was 11 after 23:00 JST).
  const at = Date.parse(`${new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10)}T00:00:00Z`);
  const stack = await startStack({ clock: testClock(at).now, env: { CERTGATE_CERT_WARN_DAYS: '30' } });
  t.teardown(() => stack.close());
  const notBefore = new Date(at - DAY);
  const soon = stack.pki.issueClient({ commonName: 'expires soon', notBefore, notAfter: new Date(at + 10 * DAY + 3_600_000) });
  const later = stack.pki.issueClient({ commonName: 'expires later', notBefore, notAfter: new Date(at + 45 * DAY) });
  await stack.register(soon);
  await stack.register(later);

  const warned = await stack.request(soon, '/auth/login');
  t.equal(warned.status, 200);
  t.match(warned.body, /class="banner"/, 'banner shown 10 days before expiry');
  t.match(warned.body, /href="\/auth\/cert[^"]*"/, 'banner links to the certificate page');
  const english = await stack.request(soon, '/auth/login?lang=en');
  t.match(english.body, /10 days/);

  const quiet = await stack.request(later, '/auth/login');
  t.equal(quiet.status, 200);
  t.notMatch(quiet.body, /class="banner"/, 'no banner 45 days before expiry with a 30-day window');
});

t.test('security headers on every gateway page', async (t) => {
  const stack = await startStack();
  t.teardown(() => stack.close());
  for (const [client, path, status] of [
    ['demo', '/auth/login', 200],
    ['unregistered', '/', 403],
    ['demo', '/auth/missing', 404],
  ] as const) {
    const res = await stack.request(client, path);
    t.equal(res.status, status, path);
    t.match(res.headers['content-security-policy'], /frame-ancestors 'none'/);
    t.match(res.headers['content-security-policy'], /default-src 'none'/);
    t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    t.equal(res.headers['referrer-policy'], 'same-origin');
    t.equal(res.headers['x-frame-options'], 'DENY');
    t.equal(res.headers['cache-control'], 'no-store');
    t.type(res.headers['x-request-id'], 'string');
  }
  const css = await stack.request(undefined, '/auth/assets/app.css');
  t.equal(css.status, 200, 'the stylesheet is served even before the certificate gate');
  t.match(String(css.headers['content-type']), /text\/css/);
});
