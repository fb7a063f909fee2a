// The certificate registry: which (issuer, serial) may use the gateway, for which operator and
// until when. One key per certificate (keys.registration, on the certificate's own slot), so the
// per-request lookup spreads over every shard of a Cluster; lists SCAN every primary.
import { recordWrite, type AuditBy, type AuditLog } from '../audit/audit-log.js';

export type { AuditBy };
import { errors } from '../errors/certgate-error.js';
import { endSessionsForCertificates } from '../session/by-certificate.js';
import { storeCall } from '../store/redis.js';
import { keys, registryField, certificateIdOfKey } from '../store/keys.js';
import { scanKeys } from '../store/scan.js';
import { deleteIfSame } from '../store/scripts.js';
import { forEachParallel, type Store } from '../store/store.js';
import { displaySerial } from '../tls/serial.js';
import { OperatorStore, unknownOperator } from './operators.js';
import { type Registration, type RegistrationState, type Usage, decodeRegistration, encodeRegistration, registrationState, usageOf } from './registration.js';

export interface ListFilter {
  operatorId?: string;
  /** Only registrations for this usage (entries without one are `web`). */
  usage?: Usage;
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
/** Commands in flight at once for bulk work (each is one key; auto-pipelining batches them per node). */
const WIDTH = 1000;

// Delete only an entry still holding the value we decided on (a re-registration in between survives).

const byExpiry = (a: Registration, b: Registration): number =>
  (a.notAfter ?? Number.MAX_SAFE_INTEGER) - (b.notAfter ?? Number.MAX_SAFE_INTEGER) || a.serial.localeCompare(b.serial) || a.issuerId.localeCompare(b.issuerId);

export const describeCert = (k: CertKey): string => `serial ${displaySerial(k.serial)} (issuer ${k.issuerId})`;
const keyOf = (k: CertKey): string => keys.registration(k.issuerId, k.serial);

export class Registry {
  readonly operators: OperatorStore;

  constructor(
    private readonly redis: Store,
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
    const key = keyOf(r);
    const value = encodeRegistration(r);
    let sessionsEnded: number | undefined;
    let endedKeys: string[] = [];
    if (opts.replace) {
      // One key, so reading the old value and writing the new one is one transaction on Cluster too.
      const replies = await storeCall(async () => (await this.redis.multi().get(key).set(key, value).exec()) ?? []);
      const [err, previous] = replies[0] ?? [null, null];
      if (err) throw errors.storeUnavailable(err);
      const old = typeof previous === 'string' ? decodeRegistration(registryField(r.issuerId, r.serial), previous) : undefined;
      if (old && (old.operatorId !== r.operatorId || old.notBefore !== r.notBefore || old.notAfter !== r.notAfter)) {
        const ended = await endSessionsForCertificates(this.redis, [registryField(r.issuerId, r.serial)]);
        sessionsEnded = ended.count;
        endedKeys = ended.keys;
      }
    } else if ((await storeCall(() => this.redis.set(key, value, 'NX'))) === null) {
      const existing = await this.get(r.issuerId, r.serial);
      throw errors.conflict(
        `${describeCert(r)} is already registered${existing ? ` for operator "${existing.operatorId}"` : ''}; remove it first or add --replace`,
      );
    }
    await recordWrite(this.audit, this.redis, [key, ...endedKeys], opts.by, opts.replace ? 'serial.replace' : 'serial.add', registryField(r.issuerId, r.serial), {
      operator: r.operatorId,
      usage: usageOf(r),
      label: r.label,
      notAfter: r.notAfter === undefined ? undefined : new Date(r.notAfter).toISOString(),
      ...(sessionsEnded !== undefined ? { sessionsEnded } : {}),
    });
    return sessionsEnded === undefined ? r : { ...r, sessionsEnded };
  }

  async get(issuerId: string, serial: string): Promise<Registration | undefined> {
    const json = await storeCall(() => this.redis.get(keys.registration(issuerId, serial)));
    return json === null ? undefined : decodeRegistration(registryField(issuerId, serial), json);
  }

  /** Visit every registration (SCAN on every primary, then one GET per key, many in flight). */
  async scan(visit: (r: Registration, json: string) => void, match: string = keys.registrationPattern): Promise<void> {
    await scanKeys(this.redis, match, async (found) => {
      const values = await forEachParallel(found, WIDTH, (k) => storeCall(() => this.redis.get(k)));
      found.forEach((k, i) => {
        const id = certificateIdOfKey(k);
        const json = values[i];
        // Removed between SCAN and GET, or a foreign key that matched the glob: skip.
        if (id !== undefined && typeof json === 'string') visit(decodeRegistration(id, json), json);
      });
    });
  }

  /** Number of registrations (a scan; for reports and tests). */
  async count(): Promise<number> {
    let n = 0;
    await this.scan(() => n++);
    return n;
  }

  /** Every registration of a serial, whatever its issuer (serials are unique per issuer only). */
  async findBySerial(serials: string[]): Promise<Map<string, Registration[]>> {
    const wanted = new Set(serials);
    const found = new Map<string, Registration[]>();
    const match = serials.length === 1 ? keys.registrationsOfSerial(serials[0]!) : undefined;
    await this.scan((r) => {
      if (wanted.has(r.serial)) found.set(r.serial, [...(found.get(r.serial) ?? []), r]);
    }, match);
    return found;
  }

  /** Remove entries and end the sessions bound to them; reports which were not registered. */
  async remove(items: CertKey[], opts: { by?: AuditBy } = {}): Promise<{ removed: CertKey[]; missing: CertKey[]; sessionsEnded: number }> {
    const removed: CertKey[] = [];
    const missing: CertKey[] = [];
    const replies = await forEachParallel(items, WIDTH, (k) => storeCall(() => this.redis.del(keyOf(k))));
    replies.forEach((n, i) => (n === 1 ? removed : missing).push(items[i]!));
    const ended = await endSessionsForCertificates(this.redis, removed.map((k) => registryField(k.issuerId, k.serial)));
    const written = [...removed.map(keyOf), ...ended.keys];
    for (const [i, k] of removed.entries()) {
      // One acknowledgement wait covers the whole command; the entries after the first only record it.
      await recordWrite(this.audit, this.redis, i === 0 ? written : [], opts.by, 'serial.remove', registryField(k.issuerId, k.serial), {
        sessionsEnded: ended.count,
      });
    }
    return { removed, missing, sessionsEnded: ended.count };
  }

  async list(filter: ListFilter = {}): Promise<Registration[]> {
    const now = filter.now ?? Date.now();
    const horizon = filter.expiringWithinDays === undefined ? undefined : now + filter.expiringWithinDays * DAY;
    const byDate = horizon !== undefined || filter.expired === true;
    const out: Registration[] = [];
    await this.scan((r) => {
      if (filter.operatorId !== undefined && r.operatorId !== filter.operatorId) return;
      if (filter.usage !== undefined && usageOf(r) !== filter.usage) return;
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

  /** Which of the given certificate ids (`<issuerId>:<serial>`) are registered. */
  async existing(ids: string[]): Promise<Set<string>> {
    const keyOfId = (id: string) => keys.registration(id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1));
    const found = await forEachParallel(ids, WIDTH, (id) => storeCall(() => this.redis.exists(keyOfId(id))));
    return new Set(ids.filter((_, i) => found[i] === 1));
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
    // Keys of many slots cannot share one script: write each with SET NX, and if any already
    // existed (registered meanwhile), take back exactly what this import wrote — all or nothing.
    const values = rows.map(encodeRegistration);
    const written = await forEachParallel([...rows.keys()], WIDTH, (i) => storeCall(() => this.redis.set(keyOf(rows[i]!), values[i]!, 'NX')));
    const dups = fields.filter((_, i) => written[i] === null);
    if (dups.length > 0) {
      const mine = rows.map((r, i) => [keyOf(r), values[i]!] as const).filter((_, i) => written[i] !== null);
      await forEachParallel(mine, WIDTH, ([k, v]) => storeCall(() => deleteIfSame(this.redis, k, v)));
      throw errors.conflict(`${dups.length} certificate(s) are already registered (${dups.slice(0, 5).join(', ')}${dups.length > 5 ? ', …' : ''}); nothing was imported`);
    }
    await recordWrite(this.audit, this.redis, rows.map(keyOf), opts.by, 'serial.import', opts.source ?? '', {
      added: rows.length,
      api: rows.filter((r) => usageOf(r) === 'api').length,
      operators: [...operatorIds].sort().slice(0, 100),
    });
    return { added: rows.length };
  }

  /** Entries that expired before `before` (ms); removed (and their sessions ended) unless dryRun. */
  async prune(opts: { before: number; dryRun?: boolean; by?: AuditBy }): Promise<{ entries: Registration[]; removed: number; sessionsEnded: number }> {
    const entries: Array<{ r: Registration; json: string }> = [];
    await this.scan((r, json) => {
      if (r.notAfter !== undefined && r.notAfter < opts.before) entries.push({ r, json });
    });
    const sorted = entries.map((e) => e.r).sort(byExpiry);
    if (opts.dryRun || entries.length === 0) return { entries: sorted, removed: 0, sessionsEnded: 0 };
    const deleted = await forEachParallel(entries, WIDTH, ({ r, json }) => storeCall(() => deleteIfSame(this.redis, keyOf(r), json)));
    const removed = deleted.reduce((n: number, d) => n + Number(d), 0);
    const ended = await endSessionsForCertificates(this.redis, entries.map(({ r }) => registryField(r.issuerId, r.serial)));
    await recordWrite(this.audit, this.redis, [...entries.map(({ r }) => keyOf(r)), ...ended.keys], opts.by, 'serial.prune', `expired before ${new Date(opts.before).toISOString()}`, {
      removed,
      sessionsEnded: ended.count,
      serials: sorted.slice(0, 100).map((r) => r.serial),
    });
    return { entries: sorted, removed, sessionsEnded: ended.count };
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
