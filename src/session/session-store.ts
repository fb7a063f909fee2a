// Sessions in Redis: one hash per user (single login), checked and refreshed by one script per request.
import type { Store } from '../store/store.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import { errors } from '../errors/certgate-error.js';
import { isUserId } from '../store/user-id.js';
import { defineScripts } from '../store/scripts.js';
import { readUserHashes } from '../store/user-scan.js';
import { SESSION_SCRIPTS, type SessionScripts } from './session-scripts.js';
import { LocalCopy, type LocalCopyBound } from '../store/local-copy.js';
import type { InvalidationFeed } from '../store/invalidation-feed.js';

export type { SessionRecord, TouchResult } from '../kernel/facts.js';
import type { SessionRecord, TouchResult } from '../kernel/facts.js';

export type { AdminEndReason } from '../kernel/facts.js';
import type { AdminEndReason } from '../kernel/facts.js';
const ADMIN_END_REASONS: ReadonlySet<string> = new Set<AdminEndReason>(['account-locked', 'password-reset', 'ended-by-admin']);

export interface SessionOptions {
  idleTimeoutMs: number;
  maxAgeMs: number;
  singleLogin: 'replace' | 'reject';
}

/** Keys outlive their deadline by this much, so a late request still learns "idle" rather than "gone". */
export const SESSION_GRACE_MS = 60_000;

const TOUCH_STATUSES = new Set(['idle', 'expired', 'gone', 'replaced', 'cert-mismatch']);

/** Live sessions kept per process (only verdicts of 'ok' are kept; anything else asks the store). */
export const SESSION_COPY_BOUND: LocalCopyBound = { maxEntries: 100_000, maxAgeMs: 5_000 };

export class SessionStore {
  private readonly r: Store & SessionScripts;
  private readonly copy: LocalCopy<SessionRecord> | undefined;

  constructor(
    redis: Store,
    readonly options: SessionOptions,
    feed?: InvalidationFeed,
  ) {
    this.r = defineScripts<SessionScripts>(redis, SESSION_SCRIPTS);
    this.copy = feed ? new LocalCopy(feed, SESSION_COPY_BOUND) : undefined;
  }

  /** One round trip: validate sid, certificate binding, idle and absolute age; refresh on success. */
  async touch(userId: string, sid: string, certField: string, now = Date.now()): Promise<TouchResult> {
    const { idleTimeoutMs, maxAgeMs } = this.options;
    const reply = await storeCall(() =>
      this.r.cgSessionTouch(keys.session(userId), keys.sessionEnded(userId), sid, certField, String(now), String(idleTimeoutMs), String(maxAgeMs), String(SESSION_GRACE_MS)),
    );
    return decodeTouch(userId, reply);
  }

  /** The verdict touch() would give, without refreshing or ending anything (see cgSessionPeek). */
  async peek(userId: string, sid: string, certField: string, now = Date.now()): Promise<TouchResult> {
    const { idleTimeoutMs, maxAgeMs } = this.options;
    const key = keys.session(userId);
    const read = async (): Promise<TouchResult> =>
      decodeTouch(userId, await storeCall(() => this.r.cgSessionPeek(key, keys.sessionEnded(userId), sid, certField, String(now), String(idleTimeoutMs), String(maxAgeMs))));
    if (!this.copy) return read();
    return this.copy.fill(key, now, read, (r) => (r.status === 'ok' ? r.session : undefined));
  }

  /**
   * peek()'s 'ok' from the local copy, or undefined when the store must be asked. The copy holds the
   * record as cgSessionPeek returned it; the checks that script makes on a live record (same sid, same
   * certificate, within the absolute age and the idle timeout) are made again here against `now`.
   */
  peekLocal(userId: string, sid: string, certField: string, now: number): SessionRecord | undefined {
    const s = this.copy?.get(keys.session(userId), now);
    if (!s || s.sid !== sid || s.cert !== certField || !this.isLive(s, now)) return undefined;
    return s;
  }

  /**
   * How stale lastSeen may get before an accepted request refreshes it: a minute, or a thirtieth of
   * the idle timeout when that is shorter. Most requests then need no write at all; a session may
   * end that much earlier than CERTGATE_SESSION_IDLE_TIMEOUT after its last request.
   */
  get refreshAfterMs(): number {
    return Math.min(60_000, Math.floor(this.options.idleTimeoutMs / 30));
  }

  /** The user's session as stored (live or not yet purged), without refreshing it. */
  async get(userId: string): Promise<SessionRecord | undefined> {
    if (!isUserId(userId)) return undefined;
    return decodeSession(userId, await storeCall(() => this.r.hgetall(keys.session(userId))));
  }

  /** Whether a stored session is within its idle and absolute limits at `now`. */
  isLive(s: SessionRecord, now = Date.now()): boolean {
    return now - s.createdAt < this.options.maxAgeMs && now - s.lastSeen < this.options.idleTimeoutMs;
  }

  /** Live sessions of every indexed user, by user ID. */
  async list(now = Date.now()): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    for (const { userId, hash } of await readUserHashes(this.r, keys.session)) {
      const s = decodeSession(userId, hash);
      if (s && this.isLive(s, now)) out.push(s);
    }
    return out;
  }

  async countActive(now = Date.now()): Promise<number> {
    return (await this.list(now)).length;
  }

  /** Ends the user's session whatever its id; true when there was one. */
  async kill(userId: string): Promise<boolean> {
    if (!isUserId(userId)) return false;
    return (await storeCall(() => this.r.cgSessionKill(keys.session(userId), keys.sessionEnded(userId)))) === 1;
  }

  /** Ends the session only if it is still `sid` (logout must not end a newer login elsewhere). */
  async end(userId: string, sid: string): Promise<boolean> {
    if (!isUserId(userId)) return false;
    return (await storeCall(() => this.r.cgSessionEnd(keys.session(userId), sid))) === 1;
  }
}

function decodeTouch(userId: string, reply: string[]): TouchResult {
  const status = reply[0];
  if (status === 'ok') {
    const [, rsid, cert, operatorId, roles, name, createdAt, lastSeen, mustChange] = reply as string[];
    return {
      status: 'ok',
      session: {
        userId,
        sid: rsid!,
        cert: cert!,
        operatorId: operatorId!,
        roles: roles ? roles.split(',') : [],
        name: name!,
        createdAt: Number(createdAt),
        lastSeen: Number(lastSeen),
        mustChange: mustChange === '1',
      },
    };
  }
  if (status === 'ended') {
    const reason = reply[1];
    return reason && ADMIN_END_REASONS.has(reason) ? { status: 'ended', reason: reason as AdminEndReason } : { status: 'gone' };
  }
  if (status && TOUCH_STATUSES.has(status)) return { status } as TouchResult;
  // Anything else is a broken script or store: never read it as a live session.
  throw errors.internal(`unexpected session script reply ${JSON.stringify(status)}`);
}

export function decodeSession(userId: string, h: Record<string, string>): SessionRecord | undefined {
  if (!h.sid) return undefined;
  return {
    userId,
    sid: h.sid,
    cert: h.cert ?? '',
    operatorId: h.operator ?? '',
    roles: h.roles ? h.roles.split(',') : [],
    name: h.name ?? '',
    createdAt: Number(h.createdAt) || 0,
    lastSeen: Number(h.lastSeen) || 0,
    mustChange: h.mustChange === '1',
  };
}
