// Reading the store's layout in assertions: how many keys match a pattern, over every primary.
import type { Store } from '../../src/store/store.js';
import { scanKeys } from '../../src/store/scan.js';
import { keys } from '../../src/store/keys.js';

export async function countKeys(store: Store, match: string): Promise<number> {
  const seen = new Set<string>();
  await scanKeys(store, match, (found) => found.forEach((k) => seen.add(k)));
  return seen.size;
}

/** Registered certificates (one key each). */
export const registrationCount = (store: Store): Promise<number> => countKeys(store, keys.registrationPattern);
