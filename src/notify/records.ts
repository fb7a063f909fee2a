// Delivery records: one hash field per (notice, target), claimed atomically before sending and
// settled after, so a second process or a restart never sends the same notice twice. Each script
// touches one key (the notice's per-certificate or per-user hash), so it runs on Redis Cluster.
import type { Store } from '../store/store.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import { defineScripts } from '../store/scripts.js';

export type DeliveryState = 'sending' | 'sent' | 'failed' | 'gave-up';

export interface DeliveryRecord {
  s: DeliveryState;
  /** Failed attempts so far. */
  n: number;
  /** When the state was set (ms). */
  at: number;
  /** Earliest retry (failed only). */
  next?: number;
  /** Claimer (sending) — runner instance id. */
  by?: string;
  /** Last error, short and free of secrets. */
  err?: string;
}

/** A claim older than this belongs to a sender that died mid-send: another may take it over. */
export const STALE_CLAIM_MS = 10 * 60_000;
/** Retries: 5 min doubling up to 6 h; after MAX_ATTEMPTS failures the delivery is given up. */
export const MAX_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 5 * 60_000;
const BACKOFF_MAX_MS = 6 * 3_600_000;

export const backoffMs = (attempts: number): number => Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);

// KEYS[1] record hash. ARGV: field, now, claimer, staleMs, ttlMs.
// → attempts so far (>= 0) when claimed; -1 settled; -2 being sent by another; -3 waiting for its retry time.
const CLAIM = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
local n = 0
local now = tonumber(ARGV[2])
if v then
  local ok, r = pcall(cjson.decode, v)
  if ok and type(r) == 'table' then
    if r.s == 'sent' or r.s == 'gave-up' then return -1 end
    if r.s == 'sending' and (tonumber(r.at) or 0) + tonumber(ARGV[4]) > now then return -2 end
    if r.s == 'failed' and (tonumber(r.next) or 0) > now then return -3 end
    n = tonumber(r.n) or 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], string.format('{"s":"sending","n":%d,"at":%s,"by":%s}', n, ARGV[2], cjson.encode(ARGV[3])))
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[5]) then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
return n`;

// KEYS[1] record hash. ARGV: field, value. A delivery already marked sent is never downgraded.
const SETTLE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and string.find(v, '"s":"sent"', 1, true) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

// KEYS[1] record hash. ARGV: field. Removes a claim that is still only a claim.
const RELEASE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and string.find(v, '"s":"sending"', 1, true) then redis.call('HDEL', KEYS[1], ARGV[1]) return 1 end
return 0`;

const RECORD_SCRIPTS = {
  /** KEYS: record hash. ARGV: field, now, claimer, staleMs, ttlMs → attempts, or -1/-2/-3 (see CLAIM). */
  cgDeliveryClaim: { numberOfKeys: 1, lua: CLAIM },
  /** KEYS: record hash. ARGV: field, value → 1 set, 0 already sent. */
  cgDeliverySettle: { numberOfKeys: 1, lua: SETTLE },
  /** KEYS: record hash. ARGV: field → 1 claim removed, 0 not a bare claim. */
  cgDeliveryRelease: { numberOfKeys: 1, lua: RELEASE },
  /** KEYS: certificate notice hash. ARGV: user id, ttlMs (the hash lives at least that long) → 1. */
  cgCertUserSet: {
    numberOfKeys: 1,
    lua: "redis.call('HSET', KEYS[1], 'user', ARGV[1]) if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 1",
  },
};
interface RecordScripts {
  cgDeliveryClaim(key: string, field: string, now: string, claimer: string, staleMs: string, ttlMs: string): Promise<number>;
  cgDeliverySettle(key: string, field: string, value: string): Promise<number>;
  cgDeliveryRelease(key: string, field: string): Promise<number>;
  cgCertUserSet(key: string, userId: string, ttlMs: string): Promise<number>;
}

export interface ClaimResult {
  claimed: boolean;
  attempts: number;
  /** Why not claimed. */
  reason?: 'settled' | 'in-flight' | 'waiting';
}

export class DeliveryRecords {
  private readonly r: Store & RecordScripts;

  constructor(private readonly redis: Store) {
    this.r = defineScripts<RecordScripts>(redis, RECORD_SCRIPTS);
  }

  async claim(key: string, field: string, now: number, claimer: string, ttlMs: number): Promise<ClaimResult> {
    const n = Number(await storeCall(() => this.r.cgDeliveryClaim(key, field, String(now), claimer, String(STALE_CLAIM_MS), String(Math.max(1, Math.round(ttlMs))))));
    if (n >= 0) return { claimed: true, attempts: n };
    return { claimed: false, attempts: 0, reason: n === -1 ? 'settled' : n === -2 ? 'in-flight' : 'waiting' };
  }

  async settle(key: string, field: string, record: DeliveryRecord): Promise<void> {
    await storeCall(() => this.r.cgDeliverySettle(key, field, JSON.stringify(record)));
  }

  /** Give a claim back without counting an attempt (nothing was sent, e.g. the day's mail already went). */
  async release(key: string, field: string, now: number, attempts: number): Promise<void> {
    if (attempts > 0) return this.settle(key, field, { s: 'failed', n: attempts, at: now, next: now });
    // Never tried: back to "no record", as if this pass had not looked at it.
    await storeCall(() => this.r.cgDeliveryRelease(key, field));
  }

  async read(key: string): Promise<Map<string, DeliveryRecord>> {
    const h = await storeCall(() => this.redis.hgetall(key));
    const out = new Map<string, DeliveryRecord>();
    for (const [field, json] of Object.entries(h)) {
      try {
        const r = JSON.parse(json) as DeliveryRecord;
        if (r && typeof r.s === 'string') out.set(field, r);
      } catch {
        // not a delivery record (e.g. the certificate's `user` field)
      }
    }
    return out;
  }

  /** Remember which user logged in with a certificate (its expiry reminders go to them too). */
  async setCertUser(issuerId: string, serial: string, userId: string, ttlMs: number): Promise<void> {
    const key = keys.certNotify(issuerId, serial);
    await storeCall(() => this.r.cgCertUserSet(key, userId, String(Math.max(1, Math.round(ttlMs)))));
  }

  async certUser(issuerId: string, serial: string): Promise<string | undefined> {
    return (await storeCall(() => this.redis.hget(keys.certNotify(issuerId, serial), 'user'))) ?? undefined;
  }
}
