// Maintenance mode for every gateway instance at once: the hash keys.maintenance ({on:'1', message,
// since}), read and written only here; each change is announced on keys.maintenanceChanged so every
// gateway's local copy (maintenance-cache.ts, which reads through readMaintenance) is re-read at once
// rather than at the end of its bound.
import type { Store } from '../store/store.js';
import { errors } from '../errors/certgate-error.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import type { AuditLog } from '../audit/audit-log.js';
import { recordWrite, type AuditBy } from '../audit/audit-log.js';

export interface MaintenanceStatus {
  on: boolean;
  message?: string;
  /** ms since epoch, when it was switched on. */
  since?: number;
}

const MAX_MESSAGE = 500;

/** Field names of the maintenance hash. */
const F = { on: 'on', message: 'message', since: 'since' } as const;

/** The flag as stored: one HMGET, so the gateway never sees "on" with another change's message. */
export async function readMaintenance(store: Store): Promise<MaintenanceStatus> {
  const [on, message, since] = await storeCall(() => store.hmget(keys.maintenance, F.on, F.message, F.since));
  if (on !== '1') return { on: false };
  return { on: true, ...(message ? { message } : {}), ...(since ? { since: Number(since) } : {}) };
}

export class MaintenanceStore {
  constructor(
    private readonly redis: Store,
    private readonly audit?: AuditLog,
  ) {}

  async on(message: string | undefined, by?: AuditBy, now = Date.now()): Promise<MaintenanceStatus> {
    const text = message?.trim() ?? '';
    if (text.length > MAX_MESSAGE) throw errors.usage(`the maintenance message is longer than ${MAX_MESSAGE} characters`);
    // One MULTI: the gateway never reads a half-written state (on without the new message).
    await storeCall(async () => {
      const tx = this.redis.multi().del(keys.maintenance).hset(keys.maintenance, F.on, '1', F.since, String(now));
      if (text) tx.hset(keys.maintenance, F.message, text);
      const replies = await tx.exec();
      const failed = replies?.find(([err]) => err);
      if (!replies || failed) throw failed?.[0] ?? new Error('transaction aborted');
    });
    await this.announce();
    await recordWrite(this.audit, this.redis, [keys.maintenance], by, 'maintenance.on', undefined, { message: text || undefined });
    return { on: true, since: now, ...(text ? { message: text } : {}) };
  }

  async off(by?: AuditBy): Promise<{ wasOn: boolean }> {
    const removed = await storeCall(() => this.redis.del(keys.maintenance));
    await this.announce();
    await recordWrite(this.audit, this.redis, [keys.maintenance], by, 'maintenance.off', undefined, { wasOn: removed === 1 });
    return { wasOn: removed === 1 };
  }

  /** Tell every gateway to re-read the flag now (Cluster forwards PUBLISH to every node). */
  private async announce(): Promise<void> {
    await storeCall(() => this.redis.publish(keys.maintenanceChanged, '1'));
  }

  async status(): Promise<MaintenanceStatus> {
    return readMaintenance(this.redis);
  }
}
