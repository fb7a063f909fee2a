// Account events from the audit stream: lockouts, password resets and changes, new accounts become
// notices; logins teach which user holds which certificate. Reading the stream (with a stored
// cursor) keeps the notifier independent of the login and CLI code that writes the entries.
import type { Store } from '../store/store.js';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import type { Directory, EventKind, EventNotice } from './planner.js';

/** How far back a first pass (no cursor yet) looks, so enabling notifications does not replay history. */
export const FIRST_PASS_LOOKBACK_MS = 86_400_000;
/** Events older than this are not notified any more (a late security notice only confuses). */
export const EVENT_MAX_AGE_MS = 7 * 86_400_000;
const BATCH = 1000;

const KIND_BY_ACTION: Record<string, EventKind> = {
  'user.locked': 'lockout',
  'user.reset-password': 'password-reset',
  'password.change': 'password-changed',
  'user.add': 'account-created',
};

export interface EventRead {
  /** Entries read (to move the cursor over), with the notice each produced (if any). */
  entries: Array<{ id: string; notice: EventNotice | undefined }>;
  /** login.success entries: certificate registry field → user ID (latest wins). */
  certUsers: Map<string, string>;
}

/** Stream id at which a first pass starts. */
export const initialCursor = (now: number): string => `${Math.max(0, now - FIRST_PASS_LOOKBACK_MS)}-0`;

/** Entries after `cursor`, mapped to notices (up to `limit` entries). */
export async function readEvents(audit: AuditLog, cursor: string, dir: Directory, now: number, limit = 5 * BATCH): Promise<EventRead> {
  const out: EventRead = { entries: [], certUsers: new Map() };
  let after = cursor;
  while (out.entries.length < limit) {
    const batch = await audit.after(after, BATCH);
    for (const e of batch) {
      if (e.action === 'login.success' && typeof e.detail.cert === 'string' && e.target) out.certUsers.set(e.detail.cert, e.target);
      out.entries.push({ id: e.id, notice: toNotice(e, dir, now) });
    }
    if (batch.length < BATCH) break;
    after = batch[batch.length - 1]!.id;
  }
  return out;
}

export function toNotice(e: AuditEntry, dir: Directory, now: number): EventNotice | undefined {
  const kind = KIND_BY_ACTION[e.action];
  if (!kind || !e.target) return undefined;
  // Only the gateway's own lock (too many wrong passwords): an administrator's lock is their own doing.
  if (kind === 'lockout' && e.source !== 'gateway') return undefined;
  const at = Number(e.id.split('-')[0]);
  if (now - at > EVENT_MAX_AGE_MS) return undefined;
  const user = dir.users.get(e.target);
  if (!user) return undefined;
  const recipients = kind === 'lockout' ? lockoutRecipients(dir, user.operatorId) : dir.recipients([user.email]);
  return {
    id: `evt:${e.id}`,
    kind,
    streamId: e.id,
    at,
    recordKey: keys.userNotify(user.userId),
    recordField: `evt:${e.id}`,
    recipients,
    operatorId: user.operatorId,
    operatorName: dir.operatorName(user.operatorId),
    userId: user.userId,
    userName: user.name,
  };
}

/** The operator's administrators; when none has an address, the operator's contacts instead. */
function lockoutRecipients(dir: Directory, operatorId: string) {
  const admins = dir.recipients(dir.adminsOf(operatorId).map((a) => a.email));
  return admins.length > 0 ? admins : dir.recipients(dir.operators.get(operatorId)?.emails ?? []);
}

/**
 * Event notices read from the stream but not yet delivered everywhere. Kept apart from the cursor so
 * one failing delivery never holds back the notices behind it (the cursor always moves on).
 */
export class PendingEvents {
  constructor(private readonly redis: Store) {}

  /** Every pending notice; ones older than EVENT_MAX_AGE_MS are dropped (their retries are long over). */
  async list(now: number): Promise<EventNotice[]> {
    const all = await storeCall(() => this.redis.hgetall(keys.notifyPending));
    const out: EventNotice[] = [];
    const old: string[] = [];
    for (const [id, json] of Object.entries(all)) {
      try {
        const n = JSON.parse(json) as EventNotice;
        if (now - n.at > EVENT_MAX_AGE_MS) old.push(id);
        else out.push(n);
      } catch {
        old.push(id);
      }
    }
    if (old.length > 0) await storeCall(() => this.redis.hdel(keys.notifyPending, ...old));
    return out.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }

  /** Record new notices (before the cursor moves past their entries), then move the cursor. */
  async add(notices: EventNotice[], cursor: string | undefined): Promise<void> {
    for (const n of notices) await storeCall(() => this.redis.hsetnx(keys.notifyPending, n.id, JSON.stringify(n)));
    if (cursor) await storeCall(() => this.redis.set(keys.notifyCursor, cursor));
  }

  async settled(ids: string[]): Promise<void> {
    if (ids.length > 0) await storeCall(() => this.redis.hdel(keys.notifyPending, ...ids));
  }
}
