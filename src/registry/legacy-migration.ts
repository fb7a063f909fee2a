// `certgate store migrate`: moves registrations from the old one-slot layout (hash cg:{gate}:registry,
// every request on one shard) to one key per certificate, and drops the old user index. Idempotent
// and safe to repeat or to interrupt: an entry is deleted from the old hash only after its new key
// exists, and a newer registration under the new key is never overwritten.
import { recordWrite, type AuditBy, type AuditLog } from '../audit/audit-log.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import { forEachParallel, type Store } from '../store/store.js';

const COUNT = 1000;

export interface MigrationResult {
  /** Entries copied to their per-certificate key. */
  moved: number;
  /** Entries whose per-certificate key already existed (the newer one was kept). */
  kept: number;
  /** Whether the old user index set was removed. */
  userIndexRemoved: boolean;
}

export async function migrateLegacyLayout(store: Store, audit?: AuditLog, by?: AuditBy): Promise<MigrationResult> {
  const result: MigrationResult = { moved: 0, kept: 0, userIndexRemoved: false };
  const written: string[] = [];
  let cursor = '0';
  do {
    const [next, flat] = await storeCall(() => store.hscan(keys.legacyRegistry, cursor, 'COUNT', COUNT));
    cursor = next;
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    const replies = await forEachParallel(pairs, COUNT, ([field, json]) => {
      const colon = field.indexOf(':');
      const key = keys.registration(field.slice(0, colon), field.slice(colon + 1));
      return storeCall(() => store.set(key, json, 'NX')).then((ok) => [key, ok] as const);
    });
    for (const [key, ok] of replies) {
      if (ok === null) result.kept++;
      else {
        result.moved++;
        written.push(key);
      }
    }
    // Only after the new keys exist: the old fields (HSCAN tolerates deletion during the walk).
    if (pairs.length > 0) await storeCall(() => store.hdel(keys.legacyRegistry, ...pairs.map(([f]) => f)));
  } while (cursor !== '0');
  result.userIndexRemoved = (await storeCall(() => store.del(keys.legacyUserIndex))) === 1;
  if (result.moved + result.kept > 0 || result.userIndexRemoved) {
    await recordWrite(audit, store, written, by, 'store.migrate', keys.legacyRegistry, { ...result });
  }
  return result;
}
