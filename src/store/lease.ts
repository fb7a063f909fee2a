// A lease in the store: one key names the holder allowed to act, for a bounded time. Taking it is
// "free, or already mine" (so a holder renews by taking again); giving it back deletes the key only
// while it is still ours, so a holder whose lease expired never frees another holder's.
import type { Store } from './store.js';
import { storeCall } from './redis.js';
import { defineScripts, deleteIfSame } from './scripts.js';

const LEASE_SCRIPTS = {
  /** KEYS: lease. ARGV: holder, ttlMs → 1 held (taken or renewed), 0 held by another. */
  cgLeaseTake: {
    numberOfKeys: 1,
    lua: `
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`,
  },
};
interface LeaseScripts {
  cgLeaseTake(lease: string, holder: string, ttlMs: string): Promise<number>;
}

export class StoreLease {
  private readonly r: Store & LeaseScripts;

  constructor(
    redis: Store,
    private readonly key: string,
    readonly holder: string,
    private readonly ttlMs: number,
  ) {
    this.r = defineScripts<LeaseScripts>(redis, LEASE_SCRIPTS);
  }

  /** Take the lease, or renew it when this holder has it: false while another holder has it. */
  async acquire(): Promise<boolean> {
    return Number(await storeCall(() => this.r.cgLeaseTake(this.key, this.holder, String(this.ttlMs)))) === 1;
  }

  async release(): Promise<void> {
    await storeCall(() => deleteIfSame(this.r, this.key, this.holder));
  }

  /** Who holds the lease at `key` now and for how long (ms), if anyone. */
  static async holderOf(redis: Store, key: string): Promise<{ holder: string; ttlMs: number } | undefined> {
    const [holder, ttl] = await Promise.all([storeCall(() => redis.get(key)), storeCall(() => redis.pttl(key))]);
    return holder ? { holder, ttlMs: Math.max(0, ttl) } : undefined;
  }
}
