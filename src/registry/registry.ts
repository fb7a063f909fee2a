// The certificate registry: which (issuer, serial) may use the gateway, for which operator and
// until when. One hash (keys.registry); scans use HSCAN so it stays usable at a million entries.
import type { Redis } from 'ioredis';
import { recordAudit, type AuditBy, type AuditLog } from '../audit/audit-log.js';

export type { AuditBy };
import { errors } from '../errors/certgate-error.js';
import { endSessionsForCertificates } from '../session/by-certificate.js';
import { storeCall } from '../store/redis.js';
import { keys, registryField } from '../store/keys.js';
import { displaySerial } from '../tls/serial.js';
import { OperatorStore, unknownOperator } from './operators.js';
import { type Registration, type RegistrationState, decodeRegistration, encodeRegistration, registrationState } from './registration.js';

export interface ListFilter {
  operatorId?: string;
  /** Entries whose notAfter is between now and now + days. */
  expiringWithinDays?: number;
  /** Entries already past notAfter. With expiringWithinDays, either matches. */
  expired?: boolean;
  now?: number;
}

export interface RegistryStats {
  byState: Record<RegistrationState, number>;
  expiringWithin: { 30: number; 60: number; 90: number };
}

export type CertKey = Pick<Registration, 'issuerId' | 'serial'>;

const DAY = 86_400_000;
const SCAN_COUNT = 5000;
const CHUNK = 1000;

// All-or-nothing import: refuse when any field exists, else write every pair. Runs on the {gate} slot.
const IMPORT_SCRIPT = `
local dup = {}
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then dup[#dup + 1] = ARGV[i] end
end
if #dup > 0 then table.insert(dup, 1, 'dup') return dup end
for i = 1, #ARGV, ${2 * CHUNK} do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + ${2 * CHUNK - 1}, #ARGV)))
end
return {'ok', tostring(#ARGV / 2)}
`;
// Delete only entries still holding the value we decided on (a re-registration in between survives).
const DELETE_IF_SAME = `
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then n = n + redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return n
`;

const byExpiry = (a: Registration, b: Registration): number =>
  (a.notAfter ?? Number.MAX_SAFE_INTEGER) - (b.notAfter ?? Number.MAX_SAFE_INTEGER) || a.serial.localeCompare(b.serial) || a.issuerId.localeCompare(b.issuerId);

export const describeCert = (k: CertKey): string => `serial ${displaySerial(k.serial)} (issuer ${k.issuerId})`;

export class Registry {
  readonly operators: OperatorStore;

  constructor(
    private readonly redis: Redis,
    private readonly audit?: AuditLog,
  ) {
    this.operators = new OperatorStore(redis, audit);
  }

  /**
   * Register a certificate. With `replace`, a registration whose operator or validity window changes
   * ends the sessions bound to that certificate (`sessionsEnded` on the result): a certificate moved
   * to another operator must not keep a session of the old operator's user.
   */
  async add(r: Registration, opts: { replace?: boolean; by?: AuditBy } = {}): Promise<Registration & { sessionsEnded?: number }> {
    if (!(await this.operators.exists(r.operatorId))) throw unknownOperator(r.operatorId);
    const field = registryField(r.issuerId, r.serial);
    const value = encodeRegistration(r);
    let sessionsEnded: number | undefined;
    if (opts.replace) {
      // One key, so the read of the old value and the write are atomic on Cluster too.
      const replies = await storeCall(async () => (await this.redis.multi().hget(keys.registry, field).hset(keys.registry, field, value).exec()) ?? []);
      const [err, previous] = replies[0] ?? [null, null];
      if (err) throw errors.storeUnavailable(err);
      const old = typeof previous === 'string' ? decodeRegistration(field, previous) : undefined;
      if (old && (old.operatorId !== r.operatorId || old.notBefore !== r.notBefore || old.notAfter !== r.notAfter)) {
        sessionsEnded = await endSessionsForCertificates(this.redis, [field]);
      }
    } else if ((await storeCall(() => this.redis.hsetnx(keys.registry, field, value))) === 0) {
      const existing = await this.get(r.issuerId, r.serial);
      throw errors.conflict(
        `${describeCert(r)} is already registered${existing ? ` for operator "${existing.operatorId}"` : ''}; remove it first or add --replace`,
      );
    }
    await recordAudit(this.audit, opts.by, opts.replace ? 'serial.replace' : 'serial.add', field, {
      operator: r.operatorId,
      label: r.label,
      notAfter: r.notAfter === undefined ? undefined : new Date(r.notAfter).toISOString(),
      ...(sessionsEnded !== undefined ? { sessionsEnded } : {}),
    });
    return sessionsEnded === undefined ? r : { ...r, sessionsEnded };
  }

  async get(issuerId: string, serial: string): Promise<Registration | undefined> {
    const field = registryField(issuerId, serial);
    const json = await storeCall(() => this.redis.hget(keys.registry, field));
    return json === null ? undefined : decodeRegistration(field, json);
  }

  /** Visit every entry (HSCAN: bounded memory and no long blocking of Redis). */
  async scan(visit: (r: Registration, field: string, json: string) => void, match?: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, flat] = await storeCall(() =>
        match ? this.redis.hscan(keys.registry, cursor, 'MATCH', match, 'COUNT', SCAN_COUNT) : this.redis.hscan(keys.registry, cursor, 'COUNT', SCAN_COUNT),
      );
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) visit(decodeRegistration(flat[i]!, flat[i + 1]!), flat[i]!, flat[i + 1]!);
    } while (cursor !== '0');
  }

  /** Every registration of a serial, whatever its issuer (serials are unique per issuer only). */
  async findBySerial(serials: string[]): Promise<Map<string, Registration[]>> {
    const wanted = new Set(serials);
    const found = new Map<string, Registration[]>();
    const match = serials.length === 1 ? `*:${serials[0]}` : undefined;
    await this.scan((r) => {
      if (wanted.has(r.serial)) found.set(r.serial, [...(found.get(r.serial) ?? []), r]);
    }, match);
    return found;
  }

  /** Remove entries and end the sessions bound to them; reports which were not registered. */
  async remove(items: CertKey[], opts: { by?: AuditBy } = {}): Promise<{ removed: CertKey[]; missing: CertKey[]; sessionsEnded: number }> {
    const removed: CertKey[] = [];
    const missing: CertKey[] = [];
    for (let i = 0; i < items.length; i += CHUNK) {
      const chunk = items.slice(i, i + CHUNK);
      const p = this.redis.pipeline();
      for (const k of chunk) p.hdel(keys.registry, registryField(k.issuerId, k.serial));
      const replies = await storeCall(async () => (await p.exec()) ?? []);
      replies.forEach(([err, n], j) => {
        if (err) throw errors.storeUnavailable(err);
        (Number(n) === 1 ? removed : missing).push(chunk[j]!);
      });
    }
    const sessionsEnded = await endSessionsForCertificates(this.redis, removed.map((k) => registryField(k.issuerId, k.serial)));
    for (const k of removed) await recordAudit(this.audit, opts.by, 'serial.remove', registryField(k.issuerId, k.serial), { sessionsEnded });
    return { removed, missing, sessionsEnded };
  }

  async list(filter: ListFilter = {}): Promise<Registration[]> {
    const now = filter.now ?? Date.now();
    const horizon = filter.expiringWithinDays === undefined ? undefined : now + filter.expiringWithinDays * DAY;
    const byDate = horizon !== undefined || filter.expired === true;
    const out: Registration[] = [];
    await this.scan((r) => {
      if (filter.operatorId !== undefined && r.operatorId !== filter.operatorId) return;
      if (byDate) {
        const na = r.notAfter;
        const isExpired = na !== undefined && na < now;
        const isExpiring = na !== undefined && horizon !== undefined && na >= now && na <= horizon;
        if (!((filter.expired && isExpired) || isExpiring)) return;
      }
      out.push(r);
    });
    return out.sort(byExpiry);
  }

  /** Which of the given registry fields already exist (pipelined HEXISTS in chunks). */
  async existing(fields: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < fields.length; i += CHUNK) {
      const chunk = fields.slice(i, i + CHUNK);
      const values = await storeCall(() => this.redis.hmget(keys.registry, ...chunk));
      chunk.forEach((f, j) => values[j] !== null && found.add(f));
    }
    return found;
  }

  /** Register all rows or none: duplicates in `rows` or in the store, or an unknown operator, refuse the lot. */
  async importRows(rows: Registration[], opts: { by?: AuditBy; source?: string } = {}): Promise<{ added: number }> {
    const fields = rows.map((r) => registryField(r.issuerId, r.serial));
    const seen = new Set<string>();
    for (const [i, f] of fields.entries()) {
      if (seen.has(f)) throw errors.conflict(`${describeCert(rows[i]!)} appears twice in the import`);
      seen.add(f);
    }
    const operatorIds = new Set(rows.map((r) => r.operatorId));
    const known = await this.operators.existing(operatorIds);
    for (const id of operatorIds) if (!known.has(id)) throw unknownOperator(id);
    if (rows.length === 0) return { added: 0 };
    // One array argument (ioredis flattens it): spreading 200,000 arguments would overflow the JS stack.
    const args = [keys.registry, ...rows.flatMap((r, i) => [fields[i]!, encodeRegistration(r)])];
    const reply = (await storeCall(() => this.redis.eval(IMPORT_SCRIPT, 1, args))) as string[];
    if (reply[0] === 'dup') {
      const dups = reply.slice(1);
      throw errors.conflict(`${dups.length} certificate(s) are already registered (${dups.slice(0, 5).join(', ')}${dups.length > 5 ? ', …' : ''}); nothing was imported`);
    }
    await recordAudit(this.audit, opts.by, 'serial.import', opts.source ?? '', {
      added: rows.length,
      operators: [...operatorIds].sort().slice(0, 100),
    });
    return { added: rows.length };
  }

  /** Entries that expired before `before` (ms); removed (and their sessions ended) unless dryRun. */
  async prune(opts: { before: number; dryRun?: boolean; by?: AuditBy }): Promise<{ entries: Registration[]; removed: number; sessionsEnded: number }> {
    const entries: Registration[] = [];
    const values: string[] = [];
    await this.scan((r, field, json) => {
      if (r.notAfter !== undefined && r.notAfter < opts.before) {
        entries.push(r);
        values.push(field, json);
      }
    });
    entries.sort(byExpiry);
    if (opts.dryRun || entries.length === 0) return { entries, removed: 0, sessionsEnded: 0 };
    let removed = 0;
    for (let i = 0; i < values.length; i += 2 * CHUNK) {
      const chunk = values.slice(i, i + 2 * CHUNK);
      removed += Number(await storeCall(() => this.redis.eval(DELETE_IF_SAME, 1, [keys.registry, ...chunk])));
    }
    const sessionsEnded = await endSessionsForCertificates(this.redis, entries.map((r) => registryField(r.issuerId, r.serial)));
    await recordAudit(this.audit, opts.by, 'serial.prune', `expired before ${new Date(opts.before).toISOString()}`, {
      removed,
      sessionsEnded,
      serials: entries.slice(0, 100).map((r) => r.serial),
    });
    return { entries, removed, sessionsEnded };
  }

  async stats(now: number): Promise<RegistryStats> {
    const stats: RegistryStats = { byState: { active: 0, 'not-yet-valid': 0, expired: 0 }, expiringWithin: { 30: 0, 60: 0, 90: 0 } };
    await this.scan((r) => {
      stats.byState[registrationState(r, now)]++;
      const na = r.notAfter;
      if (na === undefined || na < now) return;
      for (const d of [30, 60, 90] as const) if (na <= now + d * DAY) stats.expiringWithin[d]++;
    });
    return stats;
  }
}
