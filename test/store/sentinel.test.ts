// The store contract (test/helpers/store-contract.ts) against a real sentinel topology started for
// this file, then a planned switch-over (SENTINEL FAILOVER: the old primary stays up as a replica,
// so a client still talking to it would get READONLY and reconnect): any failure meanwhile is
// store-unavailable, and writes then land on the new primary without a restart.
import t from 'tap';
import { Redis } from 'ioredis';
import { SENTINEL_MASTER } from '../../scripts/redis-topology.js';
import { storeCall } from '../../src/store/redis.js';
import { topology, storeFor } from '../helpers/topology.js';
import { runStoreContract } from '../helpers/store-contract.js';
import { runLocalCopyContract } from '../helpers/local-copy-contract.js';
import { feedLive, invalidationOf } from '../helpers/local-copy.js';
import { InvalidationFeed } from '../../src/store/invalidation-feed.js';
import { RegistrationReader } from '../../src/registry/registration-reader.js';
import { encodeRegistration } from '../../src/registry/registration.js';
import { keys, trackedPrefixes } from '../../src/store/keys.js';

const top = await topology('sentinel');
t.teardown(() => top.stop());
await runStoreContract(t, top);
await runLocalCopyContract(t, top);

t.test('planned switch-over: the client follows the new primary', async (t) => {
  const store = await storeFor(top, { commandTimeoutMs: 500 });
  t.teardown(() => store.disconnect());
  const before = (await top.primaryPorts())[0];
  await storeCall(() => store.set('cg:switch', 'before'));
  // A local copy kept from the old primary (src/store/local-copy.ts).
  const feed = new InvalidationFeed(store, { prefixes: trackedPrefixes });
  t.teardown(() => feed.stop());
  const registrations = new RegistrationReader(store, feed);
  feed.start();
  await feedLive(feed);
  const key = keys.registration('5e1f', 'AB01');
  await store.set(key, encodeRegistration({ issuerId: '5e1f', serial: 'AB01', operatorId: 'OP1', addedAt: 0 }));
  await registrations.read('5e1f', 'AB01', 0);
  t.ok(registrations.local('5e1f', 'AB01', 0), 'kept before the switch-over');
  const generation = feed.generation;
  const sentinel = new Redis({ port: top.sentinels[0]!.port, host: '127.0.0.1' });
  t.teardown(() => sentinel.disconnect());
  // SENTINEL FAILOVER needs a replica the sentinel sees in sync: wait for the whole topology first.
  await top.formed();
  await sentinel.call('SENTINEL', 'FAILOVER', SENTINEL_MASTER);
  const errors = new Set<string>();
  // Done when a write through the store is found on the primary the sentinels now name (not the old one).
  let landed = false;
  const deadline = Date.now() + 20_000;
  for (let i = 0; !landed && Date.now() < deadline; i++) {
    try {
      await storeCall(() => store.set('cg:switch', `write ${i}`));
      const now = (await top.primaryPorts())[0]!;
      if (now !== before) {
        const direct = new Redis({ port: now, host: '127.0.0.1', lazyConnect: true });
        direct.on('error', () => undefined);
        landed = (await direct.get('cg:switch').finally(() => direct.disconnect())) === `write ${i}` && (await roleOf(now)) === 'master';
      }
    } catch (err) {
      errors.add((err as { code?: string }).code ?? String(err));
    }
    if (!landed) await new Promise((r) => setTimeout(r, 50));
  }
  t.ok(landed, 'writes land on the new primary');
  // Sentinel turns the old primary into a replica shortly after; a write then still lands right.
  // Sentinel converts it once it has reported "master" for 8 s and been polled again (INFO every 10 s):
  // up to ~20 s, so the ceiling on this wait is generous.
  const demoted = Date.now() + 60_000;
  while ((await roleOf(before!)) !== 'slave' && Date.now() < demoted) await new Promise((r) => setTimeout(r, 50));
  t.equal(await roleOf(before!), 'slave', 'the old primary is a replica now');
  await storeCall(() => store.set('cg:switch', 'last')).catch((err: { code?: string }) => errors.add(err.code ?? 'other'));
  const direct = new Redis({ port: (await top.primaryPorts())[0]!, host: '127.0.0.1' });
  t.teardown(() => direct.disconnect());
  const settled = Date.now() + 60_000;
  while ((await direct.get('cg:switch')) !== 'last' && Date.now() < settled) {
    await storeCall(() => store.set('cg:switch', 'last')).catch((err: { code?: string }) => errors.add(err.code ?? 'other'));
    await new Promise((r) => setTimeout(r, 50));
  }
  t.equal(await direct.get('cg:switch'), 'last', 'and keeps landing there');

  // The tracking link to the old primary ended with it; the copy was dropped and follows the new primary.
  await feedLive(feed);
  t.ok(feed.generation > generation, 'the tracking link was replaced');
  t.equal(registrations.local('5e1f', 'AB01', 0), undefined, 'nothing kept from the old primary');
  t.equal((await registrations.read('5e1f', 'AB01', 0))?.operatorId, 'OP1');
  const reported = invalidationOf(feed, key);
  await direct.set(key, encodeRegistration({ issuerId: '5e1f', serial: 'AB01', operatorId: 'OP2', addedAt: 0 }));
  await reported;
  t.equal(registrations.local('5e1f', 'AB01', 0), undefined, 'a write on the new primary is reported');
  t.ok([...errors].every((c) => c === 'STORE_UNAVAILABLE'), `failures meanwhile are store-unavailable only (${[...errors].join(', ') || 'none'})`);
});

async function roleOf(port: number): Promise<string> {
  const r = new Redis({ port, host: '127.0.0.1' });
  try {
    return /role:(\w+)/.exec(await r.info('replication'))?.[1] ?? '';
  } finally {
    r.disconnect();
  }
}
