// SessionStore.touch against a real redis-server: every status, the refresh, and the listing helpers.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { createRedis, connectRedis } from '../../src/store/redis.js';
import { keys } from '../../src/store/keys.js';
import { SessionStore, SESSION_GRACE_MS } from '../../src/session/session-store.js';

const server = await startRedis();
const raw = server.client();
const redis = createRedis(server.url);
await connectRedis(redis);
t.teardown(async () => {
  redis.disconnect();
  await server.stop();
});

const CERT = 'issuer:0A1B';
async function seed(userId: string, sid: string, at: number, extra: Record<string, string> = {}) {
  await raw.del(keys.session(userId));
  await raw.hset(keys.session(userId), {
    sid,
    cert: CERT,
    operator: 'OP1',
    roles: 'operator-staff,reviewer',
    name: '事業者 太郎',
    createdAt: String(at),
    lastSeen: String(at),
    mustChange: '0',
    ...extra,
  });
  await raw.pexpire(keys.session(userId), 60_000);
}

t.test('ok refreshes lastSeen and the key TTL', async (t) => {
  const store = new SessionStore(redis, { idleTimeoutMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000, singleLogin: 'replace' });
  const now = Date.now();
  await seed('alice', 'sid-a', now - 1000);
  const r = await store.touch('alice', 'sid-a', CERT, now);
  t.same(r, {
    status: 'ok',
    session: { userId: 'alice', sid: 'sid-a', cert: CERT, operatorId: 'OP1', roles: ['operator-staff', 'reviewer'], name: '事業者 太郎', createdAt: now - 1000, lastSeen: now, mustChange: false },
  });
  const ttl = await raw.pttl(keys.session('alice'));
  t.ok(ttl > 30 * 60_000 && ttl <= 30 * 60_000 + SESSION_GRACE_MS, `ttl ${ttl}`);
});

t.test('TTL never runs past the absolute age', async (t) => {
  const store = new SessionStore(redis, { idleTimeoutMs: 30 * 60_000, maxAgeMs: 60 * 60_000, singleLogin: 'replace' });
  const now = Date.now();
  await seed('bob', 'sid-b', now - 55 * 60_000, { lastSeen: String(now - 1000) });
  t.equal((await store.touch('bob', 'sid-b', CERT, now)).status, 'ok');
  t.ok((await raw.pttl(keys.session('bob'))) <= 5 * 60_000 + SESSION_GRACE_MS);
});

t.test('idle after a 1 s timeout (injected time)', async (t) => {
  const store = new SessionStore(redis, { idleTimeoutMs: 1000, maxAgeMs: 60_000, singleLogin: 'replace' });
  const now = Date.now();
  await seed('carol', 'sid-c', now);
  t.equal((await store.touch('carol', 'sid-c', CERT, now)).status, 'ok');
  t.same(await store.peek('carol', 'sid-c', CERT, now + 1200), { status: 'idle' }, 'peek sees it');
  t.equal(await raw.exists(keys.session('carol')), 1, 'and changes nothing');
  t.same(await store.touch('carol', 'sid-c', CERT, now + 1200), { status: 'idle' });
  t.equal(await raw.exists(keys.session('carol')), 0, 'the session is gone');
  t.same(await store.touch('carol', 'sid-c', CERT), { status: 'gone' });
});

t.test('absolute age passes even while active', async (t) => {
  const store = new SessionStore(redis, { idleTimeoutMs: 30 * 60_000, maxAgeMs: 3_600_000, singleLogin: 'replace' });
  const created = Date.now();
  await seed('dave', 'sid-d', created, { lastSeen: String(created + 3_598_000) });
  t.equal((await store.touch('dave', 'sid-d', CERT, created + 3_599_000)).status, 'ok');
  t.same(await store.touch('dave', 'sid-d', CERT, created + 3_600_000), { status: 'expired' });
  t.equal(await raw.exists(keys.session('dave')), 0);
});

t.test('replaced leaves the newer session alone; cert mismatch ends it', async (t) => {
  const store = new SessionStore(redis, { idleTimeoutMs: 60_000, maxAgeMs: 3_600_000, singleLogin: 'replace' });
  await seed('erin', 'new-sid', Date.now());
  t.same(await store.touch('erin', 'old-sid', CERT), { status: 'replaced' });
  t.equal(await raw.hget(keys.session('erin'), 'sid'), 'new-sid');
  t.same(await store.peek('erin', 'new-sid', 'issuer:FFFF'), { status: 'cert-mismatch' }, 'peek: same verdict');
  t.equal(await raw.exists(keys.session('erin')), 1, 'peek never ends a session');
  t.same(await store.touch('erin', 'new-sid', 'issuer:FFFF'), { status: 'cert-mismatch' });
  t.equal(await raw.exists(keys.session('erin')), 0);
  t.same(await store.touch('nobody', 'x', CERT), { status: 'gone' });
});

t.test('list, countActive, kill, end', async (t) => {
  await raw.flushall();
  const store = new SessionStore(redis, { idleTimeoutMs: 60_000, maxAgeMs: 3_600_000, singleLogin: 'replace' });
  const now = Date.now();
  await seed('u1', 's1', now);
  await seed('u2', 's2', now, { cert: 'issuer:OTHER' });
  await seed('u3', 's3', now - 120_000); // idle, not yet purged
  t.same((await store.list(now)).map((s) => s.userId), ['u1', 'u2']);
  t.equal(await store.countActive(now), 2);
  t.equal(await store.end('u1', 'not-s1'), false, 'logout with an old cookie ends nothing');
  t.equal(await store.end('u1', 's1'), true);
  t.equal(await store.kill('u2'), true);
  t.equal(await store.kill('u3'), true);
  t.equal(await store.kill('u3'), false);
  t.equal(await store.countActive(now), 0);
});

t.test('a store outage propagates (fail closed)', async (t) => {
  const dead = createRedis('redis://127.0.0.1:1', { commandTimeoutMs: 200 });
  dead.on('error', () => undefined);
  const store = new SessionStore(dead, { idleTimeoutMs: 60_000, maxAgeMs: 3_600_000, singleLogin: 'replace' });
  await t.rejects(store.touch('alice', 'sid', CERT), { code: 'STORE_UNAVAILABLE' });
  dead.disconnect();
});
