// The sender's lease: one key in the store names the instance allowed to send, for a bounded time.
// The holder renews it every pass; when it dies, another instance takes over after the TTL.
import type { Store } from '../store/store.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';

// KEYS[1] lease. ARGV: holder, ttlMs → 1 held (taken or renewed), 0 held by another.
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export class Lease {
  constructor(
    private readonly redis: Store,
    readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  async acquire(): Promise<boolean> {
    return Number(await storeCall(() => this.redis.eval(ACQUIRE, 1, keys.notifyLease, this.holder, String(this.ttlMs)))) === 1;
  }

  async release(): Promise<void> {
    await storeCall(() => this.redis.eval(RELEASE, 1, keys.notifyLease, this.holder));
  }

  /** Who holds the lease now and for how long (ms), if anyone. */
  static async holder(redis: Store): Promise<{ holder: string; ttlMs: number } | undefined> {
    const [holder, ttl] = await Promise.all([storeCall(() => redis.get(keys.notifyLease)), storeCall(() => redis.pttl(keys.notifyLease))]);
    return holder ? { holder, ttlMs: Math.max(0, ttl) } : undefined;
  }
}
