// The gateway's local copy of the maintenance flag, so the per-request round trip reads only the
// certificate's registration and the session. Bound: the copy is used only while it is at most
// MAINTENANCE_BOUND_MS old AND the invalidation subscription (keys.maintenanceChanged) is live; a
// change announced there drops the copy at once. Otherwise each request reads the flag itself, in
// parallel with its other reads — so a lost subscription or a failed refresh never means "off".
import type { Logger } from '../log/logger.js';
import { keys } from '../store/keys.js';
import { isCluster, type Store } from '../store/store.js';
import { jitteredBackoff } from '../store/redis.js';
import { readMaintenance, type MaintenanceStatus } from './maintenance-store.js';

/** Longest time a gateway may keep answering from its copy after a change it was not told about. */
export const MAINTENANCE_BOUND_MS = 1000;

export class MaintenanceCache {
  private value: MaintenanceStatus | undefined;
  private fetchedAt = 0;
  private subscribed = false;
  /** Bumped by every invalidation: a read that started before one must not be kept. */
  private epoch = 0;
  private subscriber: Store | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
    private readonly boundMs = MAINTENANCE_BOUND_MS,
    /** The gateway's clock (tests inject one): the copy's age is measured on the same clock as `current(now)`. */
    private readonly clock: () => number = Date.now,
  ) {}

  /** The flag when the copy may be used, else undefined (the caller reads it with its request). */
  current(now = this.clock()): MaintenanceStatus | undefined {
    return this.subscribed && this.value && now - this.fetchedAt <= this.boundMs ? this.value : undefined;
  }

  /** Read the flag from the store and keep it (when no invalidation came meanwhile). */
  async read(): Promise<MaintenanceStatus> {
    const epoch = this.epoch;
    const startedAt = this.clock();
    const value = await readMaintenance(this.store);
    if (epoch === this.epoch) {
      this.value = value;
      this.fetchedAt = startedAt;
    }
    return value;
  }

  private invalidate(): void {
    this.epoch++;
    this.value = undefined;
  }

  /** Subscribe to invalidations and refresh the copy twice per bound. */
  start(): void {
    this.stopped = false;
    this.subscribe();
    this.timer = setInterval(() => {
      this.read().catch(() => undefined);
    }, Math.max(50, Math.floor(this.boundMs / 2)));
    this.timer.unref();
  }

  /**
   * Our own subscriber connection, so we see it drop: a duplicate of the client (Sentinel follows the
   * master), or on Cluster a plain connection to one node (PUBLISH reaches every node), replaced by
   * one to another node when it ends.
   */
  private makeSubscriber(): Store {
    if (!isCluster(this.store)) return this.store.duplicate();
    const ready = this.store.nodes('all').filter((n) => n.status === 'ready');
    const node = ready[Math.floor(Math.random() * ready.length)];
    if (!node) throw new Error('no cluster node is ready yet');
    return node.duplicate({ lazyConnect: true, retryStrategy: null, enableOfflineQueue: true, connectionName: 'certgate-maintenance' });
  }

  private subscribe(attempt = 0): void {
    if (this.stopped) return;
    let sub: Store;
    try {
      sub = this.makeSubscriber();
    } catch {
      setTimeout(() => this.subscribe(attempt + 1), jitteredBackoff(attempt)).unref();
      return;
    }
    this.subscriber = sub;
    sub.on('error', () => undefined);
    const drop = () => {
      // Without the invalidation connection the copy could miss a change: stop using it.
      this.subscribed = false;
      this.invalidate();
    };
    const arm = () => {
      sub
        .subscribe(keys.maintenanceChanged)
        .then(async () => {
          this.invalidate();
          await this.read();
          if (this.subscriber === sub && sub.status === 'ready') this.subscribed = true;
        })
        .catch((err: Error) => this.logger?.debug({ err: { message: err.message } }, 'maintenance subscription failed; reading the flag per request'));
    };
    sub.on('close', drop);
    sub.on('reconnecting', drop);
    sub.on('end', () => {
      drop();
      // This connection will not come back (Cluster node gone, or stop()): open another one.
      if (this.subscriber === sub) setTimeout(() => this.subscribe(attempt + 1), jitteredBackoff(attempt)).unref();
    });
    sub.on('message', () => {
      this.invalidate();
      this.read().catch(() => undefined);
    });
    sub.on('ready', () => {
      attempt = 0;
      arm();
    });
    sub.connect().catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.subscribed = false;
    const sub = this.subscriber;
    this.subscriber = undefined;
    sub?.disconnect();
  }
}
