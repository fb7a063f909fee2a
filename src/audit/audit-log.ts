// The audit log: who did what to which object, from the CLI or the gateway, kept in one capped
// Redis stream so every gateway instance and the CLI write to the same place.
import { userInfo } from 'node:os';
import { storeCall } from '../store/redis.js';
import { keys } from '../store/keys.js';
import { awaitReplicas, DEFAULT_REPLICA_WAIT_MS, type ReplicaAck } from '../store/replication.js';
import type { Store } from '../store/store.js';

export type AuditValue = string | number | boolean | string[];
export type AuditDetail = Record<string, AuditValue>;

export interface AuditInput {
  action: string;
  actor: string;
  target?: string;
  source: 'cli' | 'gateway';
  /** Undefined values are dropped. Never put a secret here (keys that look like one are dropped too). */
  detail?: Record<string, AuditValue | undefined>;
}

/** Who caused an entry: the OS user for the CLI (osActor()), the user ID for gateway events. */
export interface AuditBy {
  actor: string;
  source: 'cli' | 'gateway';
}

export interface AuditEntry {
  /** Stream id, "<ms>-<seq>". */
  id: string;
  /** ISO 8601 time of the entry. */
  time: string;
  action: string;
  actor: string;
  target: string;
  source: 'cli' | 'gateway';
  detail: AuditDetail;
}

/** Detail keys that could carry a secret are dropped, whatever a caller passes. */
const SECRET_KEY = /pass|secret|hash|cookie|token|assertion|sid/i;

/** Who is running the CLI: the OS user (SUDO_USER first, so `sudo certgate` names the person). */
export function osActor(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SUDO_USER) return env.SUDO_USER;
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}

export interface AuditLogOptions {
  /** How long an administrative write waits for a replica acknowledgement (WAIT). */
  replicaWaitMs?: number;
  /** Told about each administrative write no replica acknowledged in time (the CLI prints a warning). */
  onUnacknowledged?: (action: string, target: string | undefined) => void;
}

export class AuditLog {
  readonly replicaWaitMs: number;
  onUnacknowledged: ((action: string, target: string | undefined) => void) | undefined;

  constructor(
    private readonly redis: Store,
    private readonly maxLen = 100_000,
    options: AuditLogOptions = {},
  ) {
    this.replicaWaitMs = options.replicaWaitMs ?? DEFAULT_REPLICA_WAIT_MS;
    this.onUnacknowledged = options.onUnacknowledged;
  }

  async append(e: AuditInput): Promise<void> {
    const detail: AuditDetail = {};
    for (const [k, v] of Object.entries(e.detail ?? {})) {
      if (!SECRET_KEY.test(k) && v !== undefined) detail[k] = v;
    }
    await storeCall(() =>
      this.redis.xadd(
        keys.audit,
        'MAXLEN',
        '~',
        String(this.maxLen),
        '*',
        'action',
        e.action,
        'actor',
        e.actor,
        'target',
        e.target ?? '',
        'source',
        e.source,
        'detail',
        JSON.stringify(detail),
      ),
    );
  }

  /** The newest `count` entries at or after `since`, oldest first. */
  async list(opts: { since?: Date; count?: number } = {}): Promise<AuditEntry[]> {
    const start = opts.since ? String(opts.since.getTime()) : '-';
    const count = opts.count ?? 100;
    const rows = await storeCall(() => this.redis.xrevrange(keys.audit, '+', start, 'COUNT', count));
    return rows.reverse().map(([id, fields]) => toEntry(id, fields));
  }

  /** Up to `count` entries after stream id `afterId` (exclusive), oldest first: for consumers with a cursor. */
  async after(afterId: string, count: number): Promise<AuditEntry[]> {
    const rows = await storeCall(() => this.redis.xrange(keys.audit, `(${afterId}`, '+', 'COUNT', count));
    return rows.map(([id, fields]) => toEntry(id, fields));
  }
}

function toEntry(id: string, fields: string[]): AuditEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  let detail: AuditDetail = {};
  try {
    detail = JSON.parse(f.detail ?? '{}') as AuditDetail;
  } catch {
    detail = { unreadable: f.detail ?? '' };
  }
  return {
    id,
    time: new Date(Number(id.split('-')[0])).toISOString(),
    action: f.action ?? '',
    actor: f.actor ?? '',
    target: f.target ?? '',
    source: f.source === 'gateway' ? 'gateway' : 'cli',
    detail,
  };
}

/** Append one entry when an audit log is configured (a store used alone in a unit test has none). */
export async function recordAudit(
  audit: AuditLog | undefined,
  by: AuditBy | undefined,
  action: string,
  target: string | undefined,
  detail: Record<string, AuditValue | undefined> = {},
): Promise<void> {
  await audit?.append({ action, actor: by?.actor ?? 'unknown', source: by?.source ?? 'cli', ...(target ? { target } : {}), detail });
}

/**
 * The end of every administrative write: wait for a replica to hold `written` keys (when the primary
 * has replicas), then record the entry with `replicaAck` when the acknowledgement matters, and tell
 * the caller (CLI warning) when it did not come. Without an audit log (unit tests) nothing waits.
 */
export async function recordWrite(
  audit: AuditLog | undefined,
  store: Store,
  written: string[],
  by: AuditBy | undefined,
  action: string,
  target: string | undefined,
  detail: Record<string, AuditValue | undefined> = {},
): Promise<ReplicaAck | undefined> {
  if (!audit) return undefined;
  const ack = written.length === 0 ? 'no-replicas' : await awaitReplicas(store, written, audit.replicaWaitMs);
  await recordAudit(audit, by, action, target, { ...detail, ...(ack === 'no-replicas' ? {} : { replicaAck: ack === 'acknowledged' }) });
  if (ack === 'not-acknowledged') audit.onUnacknowledged?.(action, target);
  return ack;
}
