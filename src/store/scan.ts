// Listing across many records without a global index and without cross-slot commands: SCAN with a
// MATCH pattern on every primary (one server, the Sentinel master, or each Cluster master).
import { storeCall } from './redis.js';
import { primaries, type Store } from './store.js';

const COUNT = 1000;

/** Calls `visit` with each batch of keys matching `match`; every key is visited at least once. */
export async function scanKeys(store: Store, match: string, visit: (keys: string[]) => Promise<void> | void, count = COUNT): Promise<void> {
  for (const node of primaries(store)) {
    let cursor = '0';
    do {
      const [next, found] = await storeCall(() => node.scan(cursor, 'MATCH', match, 'COUNT', count));
      cursor = next;
      // SCAN may return a key twice (rehashing); callers get each batch de-duplicated at least.
      if (found.length > 0) await visit([...new Set(found)]);
    } while (cursor !== '0');
  }
}
