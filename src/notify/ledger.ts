// What the sender reports about itself, for `certgate notify status` and monitoring: failing
// deliveries (retried or given up), a capped log of every mail and webhook call, the last pass.
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';

export type Outcome = 'sent' | 'failed' | 'gave-up' | 'deferred';

export interface FailingDelivery {
  /** `<record key>|<field>`: unique per (notice, target). */
  id: string;
  notice: string;
  kind: string;
  target: string;
  state: 'failed' | 'gave-up';
  attempts: number;
  /** Next retry (failed only), ms. */
  next?: number;
  at: number;
  error: string;
}

export interface LogEntry {
  id: string;
  at: number;
  outcome: Outcome;
  channel: 'mail' | 'webhook';
  target: string;
  kinds: string[];
  notices: number;
  error?: string;
}

export interface PassSummary {
  at: number;
  by: string;
  sent: number;
  failed: number;
  gaveUp: number;
  deferred: number;
  mails: number;
  webhooks: number;
}

const LOG_MAXLEN = 10_000;
/** Given-up entries stay visible this long, then leave the failing list. */
const FAILING_KEEP_MS = 30 * 86_400_000;

/** A short, stable digest of an address: keys name recipients without spelling out addresses. */
export const recipientDigest = (address: string): string => createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 24);

export class Ledger {
  constructor(private readonly redis: Store) {}

  async failing(entry: FailingDelivery): Promise<void> {
    await storeCall(() => this.redis.hset(keys.notifyFailing, entry.id, JSON.stringify(entry)));
  }

  async cleared(id: string): Promise<void> {
    await storeCall(() => this.redis.hdel(keys.notifyFailing, id));
  }

  async listFailing(now: number): Promise<FailingDelivery[]> {
    const all = await storeCall(() => this.redis.hgetall(keys.notifyFailing));
    const out: FailingDelivery[] = [];
    const old: string[] = [];
    for (const [id, json] of Object.entries(all)) {
      try {
        const f = JSON.parse(json) as FailingDelivery;
        if (f.state === 'gave-up' && now - f.at > FAILING_KEEP_MS) old.push(id);
        else out.push(f);
      } catch {
        old.push(id);
      }
    }
    if (old.length > 0) await storeCall(() => this.redis.hdel(keys.notifyFailing, ...old));
    return out.sort((a, b) => a.at - b.at);
  }

  async log(e: Omit<LogEntry, 'id'>): Promise<void> {
    await storeCall(() =>
      this.redis.xadd(keys.notifyLog, 'MAXLEN', '~', String(LOG_MAXLEN), '*', 'entry', JSON.stringify(e)),
    );
  }

  async recent(count: number): Promise<LogEntry[]> {
    const rows = await storeCall(() => this.redis.xrevrange(keys.notifyLog, '+', '-', 'COUNT', count));
    const out: LogEntry[] = [];
    for (const [id, fields] of rows) {
      try {
        out.push({ id, ...(JSON.parse(fields[1] ?? '{}') as Omit<LogEntry, 'id'>) });
      } catch {
        // unreadable entry: skipped
      }
    }
    return out;
  }

  async summary(s: PassSummary): Promise<void> {
    await storeCall(() => this.redis.hset(keys.notifyState, 'lastPass', JSON.stringify(s)));
  }

  async lastPass(): Promise<PassSummary | undefined> {
    const json = await storeCall(() => this.redis.hget(keys.notifyState, 'lastPass'));
    if (!json) return undefined;
    try {
      return JSON.parse(json) as PassSummary;
    } catch {
      return undefined;
    }
  }
}
