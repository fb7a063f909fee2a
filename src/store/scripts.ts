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
