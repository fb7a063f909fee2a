// The local copies' contract (src/store/local-copy.ts over src/store/invalidation-feed.ts), run against
// the same real topologies as the store contract: a copy answers only what Redis would answer now —
// every write from any client is reported and dropped, a read overtaken by a write is not kept, and a
// lost tracking link means no copy at all until a new one is in place.
import type { Test } from 'tap';
import { Redis } from 'ioredis';
import { InvalidationFeed } from '../../src/store/invalidation-feed.js';
import { RegistrationReader, REGISTRATION_COPY_BOUND } from '../../src/registry/registration-reader.js';
import { encodeRegistration } from '../../src/registry/registration.js';
import { SessionStore } from '../../src/session/session-store.js';
import { keys, registryField, trackedPrefixes } from '../../src/store/keys.js';
import { connectionFor, isCluster } from '../../src/store/store.js';
import { feedLive, invalidationOf } from './local-copy.js';
import { storeFor, type Topology } from './topology.js';

const ISSUER = 'feedc0ffee00feedc0ffee00';
const NOW = Date.UTC(2026, 10, 1);
const registration = (serial: string, operatorId: string): string => encodeRegistration({ issuerId: ISSUER, serial, operatorId, addedAt: NOW });

export async function runLocalCopyContract(parent: Test, top: Topology): Promise<void> {
  // One parent subtest: the root test would otherwise end (and stop the topology) while the links open.
  await parent.test('local copies over client tracking', (t) => localCopyContract(t, top));
}

async function localCopyContract(t: Test, top: Topology): Promise<void> {
  const store = await storeFor(top);
  const writer = await storeFor(top); // another client: an administrator's CLI or another gateway
  const feed = new InvalidationFeed(store, { prefixes: trackedPrefixes });
  const registrations = new RegistrationReader(store, feed);
  const sessions = new SessionStore(store, { idleTimeoutMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000, singleLogin: 'replace' }, feed);
  t.teardown(() => {
    feed.stop();
    store.disconnect();
    writer.disconnect();
  });
  feed.start();
  await feedLive(feed);
  // A write whose invalidation has reached the feed: a read sent before that message is handled is
  // (rightly) not kept, because the message arrives on its own connection and may come after the
  // writer's reply. One command, so one message.
  const reportedWrite = async (key: string, write: () => Promise<unknown>): Promise<void> => {
    const reported = invalidationOf(feed, key);
    await write();
    await reported;
  };

  await t.test('a registration written by another client is dropped and read again', async (t) => {
    const serials = Array.from({ length: 24 }, (_, i) => (0xa00 + i).toString(16).toUpperCase());
    if (isCluster(store)) {
      const ports = new Set(serials.map((s) => connectionFor(store, keys.registration(ISSUER, s))!.options.port));
      t.equal(ports.size, 3, 'the keys live on all three primaries');
    }
    for (const s of serials) await reportedWrite(keys.registration(ISSUER, s), () => writer.set(keys.registration(ISSUER, s), registration(s, 'OP1')));
    for (const s of serials) t.equal((await registrations.read(ISSUER, s, NOW))?.operatorId, 'OP1');
    t.ok(serials.every((s) => registrations.local(ISSUER, s, NOW)?.operatorId === 'OP1'), 'every registration kept');

    for (const s of serials) {
      const reported = invalidationOf(feed, keys.registration(ISSUER, s));
      await writer.set(keys.registration(ISSUER, s), registration(s, 'OP2'));
      await reported;
      t.equal(registrations.local(ISSUER, s, NOW), undefined, `${s}: dropped when Redis reported the write`);
      t.equal((await registrations.read(ISSUER, s, NOW))?.operatorId, 'OP2', `${s}: read again, the new operator`);
    }

    // "Not registered" is kept too, and dropped by the registration that follows.
    t.equal(await registrations.read(ISSUER, 'FFF1', NOW), undefined);
    t.equal(registrations.local(ISSUER, 'FFF1', NOW), null, 'an unknown certificate is answered from the copy');
    const added = invalidationOf(feed, keys.registration(ISSUER, 'FFF1'));
    await writer.set(keys.registration(ISSUER, 'FFF1'), registration('FFF1', 'OP1'));
    await added;
    t.equal(registrations.local(ISSUER, 'FFF1', NOW), undefined);
    t.equal((await registrations.read(ISSUER, 'FFF1', NOW))?.operatorId, 'OP1');

    t.equal(registrations.local(ISSUER, 'FFF1', NOW + REGISTRATION_COPY_BOUND.maxAgeMs + 1), undefined, 'never older than its bound');
  });

  await t.test('a session is kept only while live, and any change of its hash drops it', async (t) => {
    const NOW = Date.now(); // the ended-session notice lives as long as the session would have: real time
    const cert = registryField(ISSUER, 'A00');
    const write = (sid: string, lastSeen: number) =>
      reportedWrite(keys.session('miyu'), () =>
        writer
          .multi()
          .hset(keys.session('miyu'), { sid, cert, operator: 'OP1', roles: 'operator-staff', name: 'Miyu', createdAt: String(NOW), lastSeen: String(lastSeen), mustChange: '0' })
          .pexpire(keys.session('miyu'), 3_600_000)
          .exec(),
      );
    await write('sid-1', NOW);
    t.match(await sessions.peek('miyu', 'sid-1', cert, NOW + 1000), { status: 'ok' });
    t.match(sessions.peekLocal('miyu', 'sid-1', cert, NOW + 1000), { sid: 'sid-1', operatorId: 'OP1' }, 'kept');
    t.equal(sessions.peekLocal('miyu', 'sid-2', cert, NOW + 1000), undefined, 'another sid asks the store');
    t.equal(sessions.peekLocal('miyu', 'sid-1', registryField(ISSUER, 'B00'), NOW + 1000), undefined, 'another certificate asks the store');
    t.equal(sessions.peekLocal('miyu', 'sid-1', cert, NOW + 30 * 60_000), undefined, 'idle by the request clock: asks the store');

    await write('sid-2', NOW + 2000); // a newer login elsewhere
    t.equal(sessions.peekLocal('miyu', 'sid-1', cert, NOW + 3000), undefined);
    t.match(await sessions.peek('miyu', 'sid-1', cert, NOW + 3000), { status: 'replaced' }, 'the old terminal learns it was replaced');

    await sessions.peek('miyu', 'sid-2', cert, NOW + 3000);
    t.ok(sessions.peekLocal('miyu', 'sid-2', cert, NOW + 3000));
    const killed = invalidationOf(feed, keys.session('miyu'));
    t.equal(await new SessionStore(writer, sessions.options).kill('miyu'), true);
    await killed;
    t.equal(sessions.peekLocal('miyu', 'sid-2', cert, NOW + 3000), undefined);
    t.match(await sessions.peek('miyu', 'sid-2', cert, NOW + 3000), { status: 'ended', reason: 'ended-by-admin' });
  });

  await t.test('a read overtaken by a write is answered but not kept', async (t) => {
    const key = keys.registration(ISSUER, 'C01');
    await reportedWrite(key, () => writer.set(key, registration('C01', 'OP1')));
    // The read's reply leaves Redis before the write, but its invalidation is handled before the reply.
    const reported = invalidationOf(feed, key);
    const racing = registrationsReadDuring(registrations, store, async () => {
      await writer.set(key, registration('C01', 'OP2'));
      await reported;
    });
    t.equal((await racing)?.operatorId, 'OP1', 'the answer is the value at read time');
    t.equal(registrations.local(ISSUER, 'C01', NOW), undefined, 'but it was not kept');
    t.equal((await registrations.read(ISSUER, 'C01', NOW))?.operatorId, 'OP2');
  });

  await t.test('a lost tracking link drops every copy until a new link is in place', async (t) => {
    const key = keys.registration(ISSUER, 'D01');
    await reportedWrite(key, () => writer.set(key, registration('D01', 'OP1')));
    await registrations.read(ISSUER, 'D01', NOW);
    t.ok(registrations.local(ISSUER, 'D01', NOW), 'kept');
    const down = new Promise<void>((resolve) => {
      const off = feed.subscribe(() => {
        if (!feed.live) {
          off();
          resolve();
        }
      });
    });
    await Promise.all((await top.primaryPorts()).map((port) => killTrackingClients(port)));
    await down;
    t.equal(registrations.local(ISSUER, 'D01', NOW), undefined, 'not answered while a link is down');
    // A write nobody reports (the links are down) must not be hidden by the old copy.
    await writer.set(key, registration('D01', 'OP2'));
    await feedLive(feed);
    t.equal(registrations.local(ISSUER, 'D01', NOW), undefined, 'the old copy is gone after the new link');
    t.equal((await registrations.read(ISSUER, 'D01', NOW))?.operatorId, 'OP2');
  });
}

/**
 * Read a registration while `during` runs between the store's reply and the reader's processing of it:
 * the GET is sent, and `during` (a write and its invalidation) runs before the GET's reply is handled.
 */
async function registrationsReadDuring(registrations: RegistrationReader, store: { get(key: string): Promise<string | null> }, during: () => Promise<void>) {
  const original = store.get.bind(store);
  store.get = async (key: string) => {
    const value = await original(key);
    await during();
    return value;
  };
  try {
    return await registrations.read(ISSUER, 'C01', NOW);
  } finally {
    store.get = original;
  }
}

/** Close this server's tracking connections (name certgate-tracking), as a network fault would. */
async function killTrackingClients(port: number): Promise<void> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const list = (await r.client('LIST')) as string;
    for (const line of list.split('\n')) {
      const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
      if (id && / name=certgate-tracking /.test(line)) await r.client('KILL', 'ID', id);
    }
  } finally {
    r.disconnect();
  }
}
