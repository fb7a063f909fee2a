// The registry at scale: list, stats and prune stay correct over 100,000 entries (HSCAN, no HGETALL).
import t from 'tap';
import { registrationCount } from '../helpers/store-keys.js';
import { Registry } from '../../src/registry/registry.js';
import { encodeRegistration } from '../../src/registry/registration.js';
import { keys } from '../../src/store/keys.js';
import { startRedis } from '../helpers/redis-server.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 15);
const N = 100_000;
const server = await startRedis();
t.teardown(() => server.stop());
const redis = server.client();
const registry = new Registry(redis);

t.test('bulk data', async (t) => {
  await registry.operators.add('acme', 'Acme');
  for (let start = 0; start < N; start += 10_000) {
    const p = redis.pipeline();
    for (let i = start; i < start + 10_000; i++) {
      const serial = i.toString(16).toUpperCase().padStart(8, '0');
      // One in ten expired, the rest spread over the next 1000 days.
      const notAfter = i % 10 === 0 ? NOW - (1 + (i % 300)) * DAY : NOW + (i % 1000) * DAY + 1;
      p.set(keys.registration('aaaaaaaaaaaaaaaaaaaaaaaa', serial), encodeRegistration({ issuerId: '', serial, operatorId: 'acme', notAfter, addedAt: NOW }));
    }
    await p.exec();
  }
  const stats = await registry.stats(NOW);
  t.equal(stats.byState.expired, N / 10);
  t.equal(stats.byState.active, N - N / 10);
  const expiring = await registry.list({ now: NOW, expiringWithinDays: 30 });
  t.equal(expiring.length, stats.expiringWithin[30]);
  t.ok(expiring.every((r, i) => i === 0 || r.notAfter! >= expiring[i - 1]!.notAfter!), 'sorted by expiry');
  const pruned = await registry.prune({ before: NOW });
  t.equal(pruned.removed, N / 10);
  t.equal(await registrationCount(redis), N - N / 10);
});
