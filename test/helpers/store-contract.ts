// The store contract: what every domain needs from the store, run unchanged against a real single
// server, Sentinel and Cluster (one file per topology calls runStoreContract). On Cluster any
// cross-slot command would fail here with CROSSSLOT, so passing proves the key layout too.
import type { Test } from 'tap';
import { AuditLog } from '../../src/audit/audit-log.js';
import { AttemptGuard } from '../../src/auth/attempt-guard.js';
import { MaintenanceCache } from '../../src/maintenance/maintenance-cache.js';
import { MaintenanceStore } from '../../src/maintenance/maintenance-store.js';
import { migrateLegacyLayout } from '../../src/registry/legacy-migration.js';
import { encodeRegistration, type Registration } from '../../src/registry/registration.js';
import { Registry } from '../../src/registry/registry.js';
import { SessionStore } from '../../src/session/session-store.js';
import { keySlot } from '../../src/store/key-slot.js';
import { keys, registryField } from '../../src/store/keys.js';
import { connectionFor, isCluster, primaryAddresses, type Store } from '../../src/store/store.js';
import { UserStore } from '../../src/users/user-store.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { storeFor, type Topology } from './topology.js';
import { runCli } from './cli.js';

const ISSUER = 'c0ffee00c0ffee00c0ffee00';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);
const by = { actor: 'contract', source: 'cli' as const };
const reg = (serial: string, o: Partial<Registration> = {}): Registration => ({ issuerId: ISSUER, serial, operatorId: 'OP1', addedAt: NOW, ...o });
const serials = (n: number, from = 0x100) => Array.from({ length: n }, (_, i) => (from + i).toString(16).toUpperCase());

export async function runStoreContract(t: Test, top: Topology): Promise<void> {
  const store = await storeFor(top);
  t.teardown(() => store.disconnect());
  const audit = new AuditLog(store, 10_000);
  const registry = new Registry(store, audit);
  const users = new UserStore(store, audit, new PasswordHasher());
  const sessions = new SessionStore(store, { idleTimeoutMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000, singleLogin: 'replace' });
  const replicated = top.kind !== 'standalone';

  await t.test('topology: primaries and the slot of a key', async (t) => {
    const ports = await top.primaryPorts();
    t.same(primaryAddresses(store).map((a) => Number(a.split(':').pop())).sort(), ports.sort(), 'the client reaches every primary');
    if (isCluster(store)) {
      const key = keys.registration(ISSUER, '0A1B');
      const node = connectionFor(store, key)!;
      t.equal(Number(await node.cluster('KEYSLOT', key)), keySlot(key), 'hash slot computed like the server');
      t.equal(keySlot(keys.session('u1')), keySlot(keys.user('u1')), 'a user\'s keys share one slot');
    }
  });

  await t.test('registry: add, get, list, find, remove across many slots', async (t) => {
    await registry.operators.add('OP1', 'Operator one', by);
    await registry.operators.add('OP2', 'Operator two', by);
    const many = serials(60);
    for (const [i, s] of many.entries()) await registry.add(reg(s, { notAfter: NOW + (i - 10) * DAY, operatorId: i % 2 ? 'OP2' : 'OP1' }), { by });
    t.equal(await registry.count(), 60);
    if (isCluster(store)) {
      const slots = new Set(many.map((s) => connectionFor(store, keys.registration(ISSUER, s))!.options.port));
      t.equal(slots.size, 3, 'registrations spread over all three primaries');
    }
    await t.rejects(registry.add(reg(many[0]!), { by }), { code: 'CONFLICT' });
    t.match(await registry.get(ISSUER, many[5]!), { serial: many[5], operatorId: 'OP2' });
    const op2 = await registry.list({ operatorId: 'OP2', now: NOW });
    t.equal(op2.length, 30);
    const expiring = await registry.list({ now: NOW, expiringWithinDays: 5 });
    t.same(expiring.map((r) => r.serial), many.slice(10, 16), 'expiring within 5 days, soonest first');
    t.same([...(await registry.findBySerial([many[3]!])).keys()], [many[3]]);
    const stats = await registry.stats(NOW);
    t.equal(stats.byState.expired, 10);
  });

  await t.test('users, sessions and certificate-bound session ends', async (t) => {
    for (const id of ['alice', 'bob', 'carol']) await users.create({ userId: id, operatorId: 'OP1' }, by);
    t.same((await users.list()).map((u) => u.userId), ['alice', 'bob', 'carol']);
    const [c1, c2] = serials(2);
    for (const [id, cert] of [['alice', c1], ['bob', c1], ['carol', c2]] as const) {
      await store.hset(keys.session(id), { sid: `sid-${id}`, cert: registryField(ISSUER, cert!), operator: 'OP1', roles: 'operator-staff', name: id, createdAt: String(Date.now()), lastSeen: String(Date.now()), mustChange: '0' });
    }
    t.same((await sessions.list()).map((s) => s.userId), ['alice', 'bob', 'carol']);
    const removed = await registry.remove([{ issuerId: ISSUER, serial: c1! }], { by });
    t.equal(removed.sessionsEnded, 2, 'both sessions of the removed certificate ended');
    t.same((await sessions.list()).map((s) => s.userId), ['carol']);
    t.equal(await sessions.kill('carol'), true);
    t.equal(await users.lock('bob', by), 'locked');
    t.equal(await users.unlock('bob', by), 'unlocked');
    t.equal(await users.remove('bob', by), true);
    t.same((await users.list()).map((u) => u.userId), ['alice', 'carol']);
  });

  await t.test('lockout counts exactly under parallel failures', async (t) => {
    const guard = new AttemptGuard(store, { threshold: 5, maxWaiters: 100, busyWaitMs: 10_000 });
    const verdicts = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const slot = await guard.reserve('alice');
        return slot.status === 'ok' ? (await guard.fail('alice', slot.token)).status : slot.status;
      }),
    );
    t.equal(verdicts.filter((v) => v === 'locked-now').length, 1, 'locked exactly once');
    t.equal(await store.hget(keys.user('alice'), 'failures'), '5');
  });

  await t.test('import is all or nothing; prune removes only what expired', async (t) => {
    const fresh = serials(200, 0x5000);
    t.same(await registry.importRows(fresh.map((s) => reg(s, { notAfter: NOW - DAY })), { by }), { added: 200 });
    const clash = serials(50, 0x6000).concat(fresh[0]!);
    await t.rejects(registry.importRows(clash.map((s) => reg(s)), { by }), { code: 'CONFLICT' });
    t.equal((await registry.findBySerial(serials(50, 0x6000))).size, 0, 'nothing of the refused import stayed');
    const pruned = await registry.prune({ before: NOW, by });
    t.equal(pruned.removed, 209, 'the 200 imported and the 9 expired ones still registered');
    t.equal(await registry.count(), 50);
  });

  await t.test('administrative writes wait for a replica when there is one', async (t) => {
    await registry.add(reg('ACE'), { by });
    const [entry] = (await audit.list({ count: 1 })).filter((e) => e.action === 'serial.add');
    if (replicated) t.equal(entry?.detail.replicaAck, true, 'acknowledged by a replica');
    else t.notOk('replicaAck' in (entry?.detail ?? {}), 'a single server has nothing to wait for');
  });

  await t.test('maintenance: every cache hears a change at once', async (t) => {
    // A bound of a minute: only the invalidation message can make the copies change in time.
    const caches = [new MaintenanceCache(store, undefined, 60_000), new MaintenanceCache(store, undefined, 60_000)];
    caches.forEach((c) => c.start());
    t.teardown(() => caches.forEach((c) => c.stop()));
    // Subscribed and read (readiness: a generous ceiling). The waits for a change below stay short:
    // the copies refresh themselves only every 30 s, so only the invalidation message passes them.
    await waitFor(() => caches.every((c) => c.current()?.on === false), 60_000);
    await new MaintenanceStore(store, audit).on('until 18:00', by);
    await waitFor(() => caches.every((c) => c.current()?.on === true || c.current() === undefined));
    for (const c of caches) t.match(c.current() ?? (await c.read()), { on: true, message: 'until 18:00' });
    await new MaintenanceStore(store, audit).off(by);
    await waitFor(() => caches.every((c) => c.current()?.on !== true));
    for (const c of caches) t.equal((c.current() ?? (await c.read())).on, false);

    // The invalidation connections drop: the copies are flushed (requests read the flag
    // themselves), then used again once a new subscription is in place.
    await waitFor(() => caches.every((c) => c.current() !== undefined), 60_000);
    await Promise.all([...top.nodes.keys()].map((port) => killPubSubClients(port)));
    // Checked on every turn of the event loop, not on a timer: the copy is back within one reconnect
    // backoff (≥ 50 ms), and on a loaded machine a 20 ms poll timer can fire only after that.
    await waitForEveryTurn(() => caches.every((c) => c.current() === undefined));
    t.ok(caches.every((c) => c.current() === undefined), 'flushed when the invalidation connection dropped');
    await waitFor(() => caches.every((c) => c.current() !== undefined), 60_000);
    t.ok(caches.every((c) => c.current()?.on === false), 'back in use once resubscribed');
  });

  await t.test('the old one-slot layout migrates to per-certificate keys', async (t) => {
    await store.hset(keys.legacyRegistry, registryField(ISSUER, 'OLD1'), encodeRegistration(reg('OLD1')), registryField(ISSUER, 'ACE'), encodeRegistration(reg('ACE', { operatorId: 'OP2' })));
    const result = await migrateLegacyLayout(store, audit, by);
    t.match(result, { moved: 1, kept: 1 });
    t.match(await registry.get(ISSUER, 'OLD1'), { operatorId: 'OP1' });
    t.match(await registry.get(ISSUER, 'ACE'), { operatorId: 'OP1' }, 'the newer registration was kept');
    t.equal(await store.exists(keys.legacyRegistry), 0);
    t.match(await migrateLegacyLayout(store, audit, by), { moved: 0, kept: 0 }, 'a second run finds nothing');
  });

  await t.test('CLI: store status and store migrate', async (t) => {
    const env = { REDIS_URL: top.url, PATH: process.env.PATH, USER: 'contract' };
    const status = await runCli(['store', 'status', '--json'], env);
    t.equal(status.code, 0, status.err);
    const doc = status.json<{ topology: string; primaries: string[] }>();
    t.equal(doc.topology, top.kind);
    t.equal(doc.primaries.length, top.kind === 'cluster' ? 3 : 1);
    t.match((await runCli(['store', 'status'], env)).out, new RegExp(`^${top.kind} at `));
    await store.hset(keys.legacyRegistry, registryField(ISSUER, 'OLD2'), encodeRegistration(reg('OLD2')));
    await store.sadd(keys.legacyUserIndex, 'alice');
    const migrated = await runCli(['store', 'migrate'], env);
    t.equal(migrated.code, 0, migrated.err);
    t.match(migrated.out, /^migrated 1 registration\(s\) to per-certificate keys; removed the old user index\n$/);
    t.match((await runCli(['store', 'migrate'], env)).out, /nothing to migrate/);
    t.match((await runCli(['store', 'migrate', '--json'], env)).json(), { moved: 0, kept: 0, userIndexRemoved: false });
  });
}

async function killPubSubClients(port: number): Promise<void> {
  const { Redis } = await import('ioredis');
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.client('KILL', 'TYPE', 'pubsub');
  } finally {
    r.disconnect();
  }
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

async function waitForEveryTurn(cond: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setImmediate(r));
}

export type { Store };
