// Registry contract against a real redis-server: add/get/remove, list filters, atomic import,
// prune (dry run vs real), stats, and sessions bound to removed certificates ending.
import t from 'tap';
import { registrationCount } from '../helpers/store-keys.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { type Registration, decodeRegistration, encodeRegistration, registrationState } from '../../src/registry/registration.js';
import { Registry } from '../../src/registry/registry.js';
import { endSessionsForCertificates } from '../../src/session/by-certificate.js';
import { keys, registryField } from '../../src/store/keys.js';
import { startRedis } from '../helpers/redis-server.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 15);
const ISSUER = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const by = { actor: 'alice', source: 'cli' as const };

const server = await startRedis();
t.teardown(() => server.stop());
const redis = server.client();
const audit = new AuditLog(redis);
const registry = new Registry(redis, audit);

const reg = (serial: string, o: Partial<Registration> = {}): Registration => ({ issuerId: ISSUER, serial, operatorId: 'acme', addedAt: NOW, ...o });

t.beforeEach(async () => {
  await redis.flushall();
  await registry.operators.add('acme', 'Acme', by);
  await registry.operators.add('beta', 'Beta', by);
});

t.test('encoding is compact and round-trips', async (t) => {
  const r = reg('0A1B', { label: 'x', notBefore: 1, notAfter: 2, addedBy: 'bob' });
  const json = encodeRegistration(r);
  t.same(JSON.parse(json), { o: 'acme', l: 'x', nb: 1, na: 2, at: NOW, by: 'bob' });
  t.same(decodeRegistration(registryField(ISSUER, '0A1B'), json), r);
  t.throws(() => decodeRegistration('x:01', 'not json'), { code: 'INTERNAL' });
  t.equal(registrationState(reg('01', { notBefore: NOW + 1 }), NOW), 'not-yet-valid');
  t.equal(registrationState(reg('01', { notAfter: NOW - 1 }), NOW), 'expired');
  t.equal(registrationState(reg('01'), NOW), 'active');
});

t.test('add, get, duplicate, replace, unknown operator', async (t) => {
  await registry.add(reg('0A1B', { notAfter: NOW + DAY }), { by });
  t.same(await registry.get(ISSUER, '0A1B'), reg('0A1B', { notAfter: NOW + DAY }));
  t.equal(await registry.get(ISSUER, 'FFFF'), undefined);
  t.equal(await registry.get('bbbbbbbbbbbbbbbbbbbbbbbb', '0A1B'), undefined, 'per issuer');
  await t.rejects(registry.add(reg('0A1B', { operatorId: 'beta' }), { by }), { code: 'CONFLICT', message: /already registered for operator "acme"/ });
  await registry.add(reg('0A1B', { operatorId: 'beta' }), { replace: true, by });
  t.equal((await registry.get(ISSUER, '0A1B'))?.operatorId, 'beta');
  await t.rejects(registry.add(reg('01', { operatorId: 'ghost' })), { code: 'NOT_FOUND', message: /operator "ghost" does not exist/ });
  await t.rejects(registry.operators.add('acme', 'again'), { code: 'CONFLICT' });
  await t.rejects(registry.operators.add('-bad', 'x'), { code: 'USAGE' });
  t.same((await registry.operators.list()).map((o) => o.id), ['acme', 'beta']);
  const actions = (await audit.list()).map((e) => e.action);
  t.same(actions, ['operator.add', 'operator.add', 'serial.add', 'serial.replace']);
});

t.test('list filters, sorted by expiry', async (t) => {
  await registry.add(reg('01', { notAfter: NOW + 100 * DAY }));
  await registry.add(reg('02', { notAfter: NOW + 10 * DAY, operatorId: 'beta' }));
  await registry.add(reg('03', { notAfter: NOW - 5 * DAY }));
  await registry.add(reg('04'));
  await registry.add(reg('05', { notAfter: NOW + 40 * DAY }));
  const serials = async (f: Parameters<Registry['list']>[0]) => (await registry.list({ now: NOW, ...f })).map((r) => r.serial);
  t.same(await serials({}), ['03', '02', '05', '01', '04'], 'no expiry sorts last');
  t.same(await serials({ operatorId: 'beta' }), ['02']);
  t.same(await serials({ expiringWithinDays: 30 }), ['02']);
  t.same(await serials({ expiringWithinDays: 60 }), ['02', '05']);
  t.same(await serials({ expired: true }), ['03']);
  t.same(await serials({ expired: true, expiringWithinDays: 30 }), ['03', '02']);
  t.same(await serials({ operatorId: 'acme', expiringWithinDays: 365 }), ['05', '01']);
});

t.test('remove reports missing entries and ends bound sessions', async (t) => {
  await registry.add(reg('01'));
  await registry.add(reg('02'));
  await redis.hset(keys.session('u1'), 'sid', 's1', 'cert', registryField(ISSUER, '01'));
  await redis.hset(keys.session('u2'), 'sid', 's2', 'cert', registryField(ISSUER, '02'));
  const result = await registry.remove([{ issuerId: ISSUER, serial: '01' }, { issuerId: ISSUER, serial: '99' }], { by });
  t.same(result.removed, [{ issuerId: ISSUER, serial: '01' }]);
  t.same(result.missing, [{ issuerId: ISSUER, serial: '99' }]);
  t.equal(result.sessionsEnded, 1);
  t.equal(await redis.exists(keys.session('u1')), 0, 'session on the removed cert is gone');
  t.equal(await redis.exists(keys.session('u2')), 1, 'other sessions stay');
  t.equal(await registry.get(ISSUER, '01'), undefined);
  const found = await registry.findBySerial(['02', '77']);
  t.same([...found.keys()], ['02']);
});

t.test('endSessionsForCertificates over many users', async (t) => {
  const field = registryField(ISSUER, 'AB');
  const users = Array.from({ length: 2500 }, (_, i) => `user${i}`);
  const p = redis.pipeline();
  users.forEach((u, i) => p.hset(keys.session(u), 'cert', i % 100 === 0 ? field : registryField(ISSUER, 'CD')));
  await p.exec();
  const ended = await endSessionsForCertificates(redis, [field]);
  t.equal(ended.count, 25);
  t.same(ended.keys.sort(), users.filter((_, i) => i % 100 === 0).map((u) => keys.session(u)).sort(), 'the ended sessions are named');
  t.equal((await endSessionsForCertificates(redis, [])).count, 0);
});

t.test('importRows is all or nothing', async (t) => {
  await registry.add(reg('05'));
  const rows = [reg('01'), reg('02', { operatorId: 'beta' }), reg('05')];
  await t.rejects(registry.importRows(rows, { by }), { code: 'CONFLICT', message: /already registered.*nothing was imported/ });
  t.equal(await registry.get(ISSUER, '01'), undefined, 'nothing written when one row exists in the store');
  await t.rejects(registry.importRows([reg('01'), reg('01')]), { code: 'CONFLICT', message: /twice/ });
  await t.rejects(registry.importRows([reg('01'), reg('02', { operatorId: 'ghost' })]), { code: 'NOT_FOUND' });
  t.equal(await registrationCount(redis), 1);
  t.same(await registry.importRows(rows.slice(0, 2), { by, source: 'new.csv' }), { added: 2 });
  t.equal(await registrationCount(redis), 3);
  const last = (await audit.list()).at(-1)!;
  t.match(last, { action: 'serial.import', actor: 'alice', target: 'new.csv', detail: { added: 2, operators: ['acme', 'beta'] } });
});

t.test('prune: dry run changes nothing, real run removes and ends sessions', async (t) => {
  await registry.add(reg('01', { notAfter: NOW - 40 * DAY }));
  await registry.add(reg('02', { notAfter: NOW - 10 * DAY }));
  await registry.add(reg('03', { notAfter: NOW + 10 * DAY }));
  await registry.add(reg('04'));
  await redis.hset(keys.session('u1'), 'cert', registryField(ISSUER, '01'));
  const dry = await registry.prune({ before: NOW - 30 * DAY, dryRun: true });
  t.same(dry.entries.map((r) => r.serial), ['01']);
  t.equal(dry.removed, 0);
  t.equal(await registrationCount(redis), 4);
  const real = await registry.prune({ before: NOW, by });
  t.same(real.entries.map((r) => r.serial), ['01', '02']);
  t.equal(real.removed, 2);
  t.equal(real.sessionsEnded, 1);
  t.same((await registry.list({ now: NOW })).map((r) => r.serial), ['03', '04']);
  t.equal((await audit.list()).at(-1)?.action, 'serial.prune');
});

t.test('stats by state and expiry window', async (t) => {
  await registry.add(reg('01', { notAfter: NOW - DAY }));
  await registry.add(reg('02', { notAfter: NOW + 20 * DAY }));
  await registry.add(reg('03', { notAfter: NOW + 50 * DAY }));
  await registry.add(reg('04', { notAfter: NOW + 80 * DAY }));
  await registry.add(reg('05', { notBefore: NOW + DAY, notAfter: NOW + 800 * DAY }));
  await registry.add(reg('06'));
  t.same(await registry.stats(NOW), { byState: { active: 4, 'not-yet-valid': 1, expired: 1 }, expiringWithin: { 30: 1, 60: 2, 90: 3 } });
});

t.test('a store outage is an error, never "not registered"', async (t) => {
  const { createRedis } = await import('../../src/store/redis.js');
  const dead = createRedis('redis://127.0.0.1:1', { commandTimeoutMs: 200 });
  dead.on('error', () => {});
  const r = new Registry(dead);
  await t.rejects(r.get(ISSUER, '01'), { code: 'STORE_UNAVAILABLE' });
  await t.rejects(r.list(), { code: 'STORE_UNAVAILABLE' });
  dead.disconnect();
});
