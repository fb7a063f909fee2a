// Enumerates users without a global index: SCAN every primary for one per-user key kind (record or
// session) and read those hashes with parallel single-key commands — nothing crosses a slot, so
// user lists, session lists and certificate-bound session clean-up work on Cluster unchanged.
import { storeCall } from './redis.js';
import { userIdOfKey } from './keys.js';
import { scanKeys } from './scan.js';
import { forEachParallel, type Store } from './store.js';
import { isUserId } from './user-id.js';

const WIDTH = 500;

export interface UserHash {
  userId: string;
  hash: Record<string, string>;
}

/** `keyOf(userId)` of every user that has one, sorted by user id (hashes gone meanwhile are left out). */
export async function readUserHashes(store: Store, keyOf: (userId: string) => string): Promise<UserHash[]> {
  const out: UserHash[] = [];
  await scanKeys(store, keyOf('*'), async (found) => {
    const ids = found.map(userIdOfKey).filter(isUserId);
    const hashes = await forEachParallel(ids, WIDTH, (id) => storeCall(() => store.hgetall(keyOf(id))));
    ids.forEach((userId, i) => {
      const hash = hashes[i] ?? {};
      if (Object.keys(hash).length > 0) out.push({ userId, hash });
    });
  });
  const seen = new Set<string>();
  return out.filter((u) => !seen.has(u.userId) && seen.add(u.userId)).sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}
