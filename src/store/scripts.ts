// Registers Lua scripts on a store connection once, as named commands (ioredis sends EVALSHA and
// falls back to EVAL after a script flush). Every domain's scripts go through this one helper.
import type { Store } from './store.js';

/** Define a set of scripts on a connection once (ioredis sends EVALSHA and falls back to EVAL). */
export function defineScripts<T, S extends Store = Store>(redis: S, scripts: Record<string, { numberOfKeys: number; lua: string }>): S & T {
  for (const [name, def] of Object.entries(scripts)) {
    if (!(name in redis)) redis.defineCommand(name, def);
  }
  return redis as S & T;
}

const SHARED_SCRIPTS = {
  /** KEYS: key. ARGV: expected value → 1 deleted, 0 holds something else (kept). */
  cgDeleteIfSame: { numberOfKeys: 1, lua: "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0" },
};
interface SharedScripts {
  cgDeleteIfSame(key: string, expected: string): Promise<number>;
}

/** Delete `key` only while it still holds `expected`, so a value another writer put there meanwhile stays: 1 deleted, 0 kept. */
export async function deleteIfSame(redis: Store, key: string, expected: string): Promise<number> {
  return Number(await defineScripts<SharedScripts>(redis, SHARED_SCRIPTS).cgDeleteIfSame(key, expected));
}
