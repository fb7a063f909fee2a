// CERTGATE_API_PREFIX / CERTGATE_API_RATE / CERTGATE_API_BURST: defaults, accepted forms, and bad
// values named in the one configuration error.
import t from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { isApiPath } from '../../src/config/api-settings.js';

const SECRET = 'x'.repeat(32);
const load = (env: Record<string, string>) => loadConfig({ CERTGATE_SECRET: SECRET, ...env });

t.test('defaults: API routes off; 20/s with a burst of one second', async (t) => {
  const c = load({});
  t.equal(c.api.prefix, undefined);
  t.same(c.api.rate, { count: 20, periodMs: 1000, burst: 20 });
  t.equal(load({ CERTGATE_API_PREFIX: '' }).api.prefix, undefined, 'empty disables');
});

t.test('accepted forms', async (t) => {
  t.equal(load({ CERTGATE_API_PREFIX: '/api/' }).api.prefix, '/api/');
  t.equal(load({ CERTGATE_API_PREFIX: '/api' }).api.prefix, '/api/', 'a trailing slash is added');
  t.equal(load({ CERTGATE_API_PREFIX: '/market/api/v1' }).api.prefix, '/market/api/v1/');
  t.same(load({ CERTGATE_API_RATE: '600/m' }).api.rate, { count: 600, periodMs: 60_000, burst: 600 });
  t.same(load({ CERTGATE_API_RATE: '20/s', CERTGATE_API_BURST: '40' }).api.rate, { count: 20, periodMs: 1000, burst: 40 });
  t.same(load({ CERTGATE_API_RATE: '5 / 10s' }).api.rate, { count: 5, periodMs: 10_000, burst: 5 });
  t.same(load({ CERTGATE_API_RATE: '3600/hour' }).api.rate, { count: 3600, periodMs: 3_600_000, burst: 3600 });
  t.equal(load({ CERTGATE_API_RATE: 'off' }).api.rate, undefined);
  t.ok(isApiPath('/api/', '/api/v1/x') && isApiPath('/api/', '/api') && !isApiPath('/api/', '/apiary') && !isApiPath('/api/', '/'));
});

t.test('bad values are named in one error', async (t) => {
  const bad = { CERTGATE_API_PREFIX: 'api', CERTGATE_API_RATE: 'fast', CERTGATE_API_BURST: '0' };
  t.throws(() => load(bad), { code: 'CONFIG_INVALID', message: /CERTGATE_API_PREFIX must be a path such as \/api\/[\s\S]*CERTGATE_API_RATE must be requests per period[\s\S]*CERTGATE_API_BURST must be a whole number/ });
  for (const prefix of ['/', '/auth/api', '/a/../b', '/a//b', '/api?x=1']) {
    t.throws(() => load({ CERTGATE_API_PREFIX: prefix }), /CERTGATE_API_PREFIX/, prefix);
  }
  for (const rate of ['0/s', '20', '20/d', '-1/s', '1.5/s']) t.throws(() => load({ CERTGATE_API_RATE: rate }), /CERTGATE_API_RATE/, rate);
});
