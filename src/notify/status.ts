// `certgate notify status`: who holds the sender lease, the last pass, failing deliveries and the
// most recent mails and webhook calls.
import type { Store } from '../store/store.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import { type FailingDelivery, Ledger, type LogEntry, type PassSummary } from './ledger.js';
import { StoreLease } from '../store/lease.js';

export interface NotifyStatus {
  lease: { holder: string; ttlMs: number } | null;
  lastPass: PassSummary | null;
  cursor: string | null;
  /** Account-event notices not yet delivered everywhere. */
  pendingEvents: number;
  failing: FailingDelivery[];
  recent: LogEntry[];
}

export async function notifyStatus(redis: Store, now: number, recentCount = 20): Promise<NotifyStatus> {
  const ledger = new Ledger(redis);
  return {
    lease: (await StoreLease.holderOf(redis, keys.notifyLease)) ?? null,
    lastPass: (await ledger.lastPass()) ?? null,
    cursor: await storeCall(() => redis.get(keys.notifyCursor)),
    pendingEvents: await storeCall(() => redis.hlen(keys.notifyPending)),
    failing: await ledger.listFailing(now),
    recent: await ledger.recent(recentCount),
  };
}
