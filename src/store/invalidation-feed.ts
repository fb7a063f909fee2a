// Redis client tracking in broadcast mode on every primary: tells the gateway's local copies
// (local-copy.ts) which keys changed, and whether a copy may be trusted at all — only while every
// primary has a live tracking link (ARCHITECTURE.md "Caches on the request path": the bound and why it holds).
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { jitteredBackoff } from './redis.js';
import { isCluster, type Store } from './store.js';

/** The channel Redis publishes invalidations on for RESP2 clients that redirect tracking to a subscriber. */
const INVALIDATE_CHANNEL = '__redis__:invalidate';

/** How often a link proves that both its connections answer and that its server is still a primary. */
export const TRACKING_HEARTBEAT_MS = 250;

export interface InvalidationFeedOptions {
  /** Key prefixes Redis reports changes for (BCAST mode: every write under them, whoever reads what). */
  prefixes: readonly string[];
  heartbeatMs?: number;
  logger?: Logger;
}

/** A changed key, or undefined: forget everything (a link went down or came up, or FLUSHALL). */
export type InvalidationListener = (key: string | undefined) => void;

const noop = (): void => undefined;

/**
 * One primary's tracking: a subscriber connection that receives the invalidations and a control
 * connection that owns the tracking state (CLIENT TRACKING … REDIRECT <subscriber> BCAST). Neither
 * reconnects by itself: if either drops, misses a heartbeat or finds its server demoted, the link is
 * dead and the feed opens a new one — reconnecting silently could lose invalidations in between.
 */
class TrackingLink {
  up = false;
  private closed = false;
  private beating = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly sub: Redis;
  private readonly ctl: Redis;

  constructor(
    readonly address: string,
    make: () => Redis,
    private readonly onKeys: (keys: readonly string[] | undefined) => void,
    private readonly onDown: (link: TrackingLink) => void,
  ) {
    this.sub = make();
    this.ctl = make();
    for (const c of [this.sub, this.ctl]) {
      c.on('error', noop);
      c.once('close', () => this.close());
    }
  }

  async open(prefixes: readonly string[], heartbeatMs: number): Promise<void> {
    await Promise.all([this.sub.connect(), this.ctl.connect()]);
    const id = (await this.sub.client('ID')) as number;
    this.sub.on('messageBuffer', (_channel: Buffer, message: unknown) => this.onKeys(keysOf(message)));
    await this.sub.subscribe(INVALIDATE_CHANNEL);
    await this.ctl.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(id), 'BCAST', ...prefixes.flatMap((p) => ['PREFIX', p]));
    await this.beat();
    if (this.closed) throw new Error('tracking link closed while opening');
    this.up = true;
    this.timer = setInterval(() => void this.beat().catch(() => this.close()), heartbeatMs);
    this.timer.unref();
  }

  /** Both connections answer and the server is a primary (a demoted one no longer sees the writes). */
  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      const [role] = await Promise.all([this.ctl.call('ROLE') as Promise<unknown[]>, this.sub.ping()]);
      if (String(role[0]) !== 'master') throw new Error(`tracking link to ${this.address}: server is now ${String(role[0])}`);
    } finally {
      this.beating = false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.up = false;
    clearInterval(this.timer);
    this.sub.disconnect();
    this.ctl.disconnect();
    this.onDown(this);
  }
}

/** Keys of one RESP2 invalidation message: an array of key names, or null for "everything". */
function keysOf(message: unknown): readonly string[] | undefined {
  if (!Array.isArray(message)) return undefined;
  return message.map((k: Buffer | string) => k.toString());
}

export class InvalidationFeed {
  private readonly links = new Map<string, TrackingLink>();
  private readonly listeners = new Set<InvalidationListener>();
  private started = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  private readonly heartbeatMs: number;
  /** Bumped whenever the set of live links changes: a read that began under another generation is not kept. */
  generation = 0;
  /** Every primary has a live link (kept as a field: the request path asks on every request). */
  live = false;

  constructor(
    private readonly store: Store,
    private readonly options: InvalidationFeedOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs ?? TRACKING_HEARTBEAT_MS;
  }

  /** Tracking links open now (one per primary when live). */
  get linkCount(): number {
    return this.links.size;
  }

  /** Calls `listener` for each changed key, and with undefined whenever the copies must be dropped. */
  subscribe(listener: InvalidationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (isCluster(this.store)) {
      // A failover or resharding changes which servers are primaries: links follow the client's slot map.
      for (const event of ['refresh', '+node', '-node'] as const) this.store.on(event, this.reconcile);
    }
    this.reconcile();
  }

  stop(): void {
    this.started = false;
    clearTimeout(this.retry);
    if (isCluster(this.store)) for (const event of ['refresh', '+node', '-node'] as const) this.store.off(event, this.reconcile);
    for (const link of [...this.links.values()]) link.close();
    this.links.clear();
    this.changed();
  }

  /** The primaries to track now, each with a factory for its dedicated connections. */
  private wanted(): Map<string, () => Redis> {
    const options = {
      lazyConnect: true,
      enableOfflineQueue: true,
      enableAutoPipelining: false,
      autoResubscribe: false,
      retryStrategy: () => null,
      reconnectOnError: () => false as const,
      commandTimeout: Math.max(500, 2 * this.heartbeatMs),
      connectionName: 'certgate-tracking',
    };
    const store = this.store;
    if (!isCluster(store)) return new Map([['primary', () => store.duplicate(options)]]);
    return new Map(store.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, () => node.duplicate(options)]));
  }

  private readonly reconcile = (): void => {
    if (!this.started) return;
    const wanted = this.wanted();
    // Usually nothing to do: the Cluster client refreshes its slot map every few seconds.
    if (wanted.size === this.links.size && [...wanted.keys()].every((a) => this.links.has(a))) return;
    for (const [address, link] of this.links) if (!wanted.has(address)) link.close();
    for (const [address, make] of wanted) {
      if (this.links.has(address)) continue;
      const link = new TrackingLink(address, make, this.onKeys, this.onDown);
      this.links.set(address, link);
      link.open(this.options.prefixes, this.heartbeatMs).then(
        () => {
          this.attempt = 0;
          this.changed();
        },
        (err: Error) => {
          this.options.logger?.debug({ err: { message: err.message }, address }, 'tracking link failed; local copies unused until it is back');
          link.close();
        },
      );
    }
    this.changed();
  };

  private readonly onKeys = (keys: readonly string[] | undefined): void => {
    if (keys === undefined) return this.emit(undefined);
    for (const key of keys) this.emit(key);
  };

  private readonly onDown = (link: TrackingLink): void => {
    if (this.links.get(link.address) === link) this.links.delete(link.address);
    this.changed();
    if (!this.started) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(this.reconcile, jitteredBackoff(this.attempt++));
    this.retry.unref();
  };

  private changed(): void {
    const live = this.started && this.links.size > 0 && [...this.links.values()].every((l) => l.up);
    this.generation++;
    this.live = live;
    this.emit(undefined);
  }

  private emit(key: string | undefined): void {
    for (const listener of this.listeners) listener(key);
  }
}
