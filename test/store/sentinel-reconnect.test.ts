// A Sentinel client must come back by itself after its primary dies, whatever the order of events.
// ioredis ends the client for good when a sentinel's +switch-master (its failoverDetector) arrives while
// the client is reconnecting and asking a sentinel for the primary; that race hit about one failover
// run in ten on a loaded machine (test/failover/sentinel-failover.test.ts: 503 until restarted). Here
// the interleaving is forced: the reconnect's sentinel lookup is held until the detector has fired.
import t from 'tap';
import { createStore, storeCall } from '../../src/store/redis.js';
import { topology } from '../helpers/topology.js';

t.test('+switch-master during the reconnect: the client still reaches the new primary', async (t) => {
  const top = await topology('sentinel');
  t.teardown(() => top.stop());
  const store = createStore(top.url, { commandTimeoutMs: 500 });
  store.on('error', () => undefined);
  t.teardown(() => store.disconnect());
  await store.connect();
  await storeCall(() => store.set('cg:reconnect', 'before'));
  await top.formed();

  // ioredis internals, reached into only to force the interleaving (no other way to order a race).
  const connector = (store as unknown as { connector: { connecting: boolean; resolve: (e: unknown) => Promise<unknown> } }).connector;
  const resolve = connector.resolve.bind(connector);
  let held = false;
  let raced = false;
  connector.resolve = async (endpoint: unknown) => {
    const found = await resolve(endpoint);
    if (!held) {
      held = true;
      // Until the failover detector has closed the connector (the +switch-master arrived), 60 s at most.
      for (const until = Date.now() + 60_000; connector.connecting && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
      raced = !connector.connecting;
    }
    return found;
  };
  const before = await top.primaryOf('cg:reconnect');
  await top.nodes.get(before)!.kill();

  const failures = new Set<string>();
  let landed = false;
  for (const until = Date.now() + 60_000; !landed && Date.now() < until; ) {
    landed = await storeCall(() => store.set('cg:reconnect', 'after')).then(
      () => true,
      (err: { code?: string }) => (failures.add(err.code ?? String(err)), false),
    );
    if (!landed) await new Promise((r) => setTimeout(r, 50));
  }
  t.ok(raced, 'the +switch-master arrived while the reconnect was asking a sentinel');
  t.ok(landed, `writes land on the new primary without a restart (client ${store.status})`);
  t.not(await top.primaryOf('cg:reconnect'), before, 'on the promoted replica');
  t.same([...failures].filter((c) => c !== 'STORE_UNAVAILABLE'), [], 'failures meanwhile are store-unavailable only');
});
