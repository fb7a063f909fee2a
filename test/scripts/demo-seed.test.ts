// `npm start` seeds its demo data idempotently: a second start finds everything in place and only
// hands out a new temporary password for the demo user.
import t from 'tap';
import { countKeys, registrationCount } from '../helpers/store-keys.js';
import { testPki } from '../helpers/pki.js';
import { startRedis } from '../helpers/redis-server.js';
import { keys } from '../../src/store/keys.js';
import { Registry } from '../../src/registry/registry.js';
import { usageOf } from '../../src/registry/registration.js';
import { DEMO_OPERATOR, DEMO_USER, seedDemo } from '../../scripts/demo-seed.js';

t.test('seeding twice', async (t) => {
  const pki = testPki();
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const env = { REDIS_URL: redis.url, CERTGATE_CLIENT_CA: pki.file('ca.crt') };

  const first = await seedDemo(env, pki.dir);
  const second = await seedDemo(env, pki.dir);
  t.match(first, /^.{16}$/, 'a temporary password');
  t.not(second, first, 'a new temporary password on every start');

  const admin = redis.client();
  t.ok(await admin.hexists(keys.operators, DEMO_OPERATOR), 'the demo operator');
  t.equal(await registrationCount(admin), 3, 'demo, demo-ec and demo-api registered once each');
  const usages = new Map((await new Registry(admin).list()).map((r) => [r.serial, usageOf(r)]));
  t.equal(usages.get(pki.clients['demo-api'].serial), 'api', 'demo-api for API use');
  t.equal(usages.get(pki.clients.demo.serial), 'web');
  t.equal(await admin.hget(keys.user(DEMO_USER), 'mustChange'), '1', 'the demo user must choose a password');
  t.equal(await countKeys(admin, keys.user('*')), 1, 'one demo user');
});
