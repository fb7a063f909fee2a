// Store connections that fail fast: a bounded command timeout, few retries and no offline queue, so
// an outage or a failover turns into a 503 within about a second and never into a hang (ARCHITECTURE.md
// "Safety rules": fail closed). One factory for the three REDIS_URL forms; reconnects use jittered backoff.
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { errors } from '../errors/certgate-error.js';
import { parseRedisUrl, type StoreTarget } from './redis-url.js';
import { isStoreFailure } from './store-failure.js';
import type { Store } from './store.js';

export type { Store } from './store.js';

export interface StoreOptions {
  /** Per-command timeout in ms; a command past it rejects and the request fails closed. */
  commandTimeoutMs?: number;
  /** Name shown in CLIENT LIST, to tell gateway, CLI and portal connections apart. */
  connectionName?: string;
  /**
   * Batch the commands issued in one event-loop tick into one write (per node on Cluster): under
   * load the gateway's concurrent requests then share socket writes instead of one syscall each.
   */
  autoPipelining?: boolean;
}

/**
 * Exponential backoff capped at 2 s with full jitter: after a failover every gateway reconnects,
 * and jitter keeps them from hitting the new primary in lockstep.
 */
export function jitteredBackoff(times: number): number {
  const cap = Math.min(50 * 2 ** Math.min(times, 6), 2000);
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

function nodeOptions(target: StoreTarget, options: StoreOptions): RedisOptions {
  return {
    connectionName: options.connectionName ?? 'certgate',
    commandTimeout: options.commandTimeoutMs ?? 800,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
  };
}

/** A client for REDIS_URL (any of its forms); not connected yet (see connectStore). */
export function createStore(url: string, options: StoreOptions = {}): Store {
  const target = parseRedisUrl(url);
  const base = nodeOptions(target, options);
  if (target.topology === 'cluster') {
    const clusterOptions: ClusterOptions = {
      lazyConnect: true,
      // Commands while the cluster (or the node of their slot) is not ready fail at once.
      enableOfflineQueue: false,
      enableAutoPipelining: options.autoPipelining ?? false,
      // Reads and writes both go to primaries: a replica may lag, and a stale "registered" is an open door.
      scaleReads: 'master',
      clusterRetryStrategy: jitteredBackoff,
      // MOVED/ASK are followed (and the slot map refreshed) by the client; a failover's CLUSTERDOWN and
      // TRYAGAIN are retried briefly, bounded by maxRedirections, then the request answers 503.
      maxRedirections: 6,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: 1000,
      slotsRefreshInterval: 2000,
      redisOptions: base,
      // Hostnames as given (TLS certificates are issued for them), not resolved to IPs first.
      ...(target.tls ? { dnsLookup: (address: string, cb: (err: Error | null, address: string) => void) => cb(null, address) } : {}),
    };
    return new Cluster(target.nodes, clusterOptions);
  }
  const redisOptions: RedisOptions = {
    ...base,
    enableOfflineQueue: false,
    lazyConnect: true,
    enableAutoPipelining: options.autoPipelining ?? false,
    // Reconnect forever with jittered backoff: the gateway recovers by itself when Redis returns.
    retryStrategy: jitteredBackoff,
    // A primary demoted under us answers READONLY: reconnect (Sentinel then names the new primary).
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 1 : false),
  };
  if (target.topology === 'sentinel') {
    return reconnectingAfterUnaskedEnd(new Redis({
      ...redisOptions,
      sentinels: target.nodes,
      name: target.masterName!,
      ...(target.db !== undefined ? { db: target.db } : {}),
      sentinelRetryStrategy: jitteredBackoff,
      sentinelCommandTimeout: 500,
      // Reconnect as soon as a sentinel announces +switch-master, not at the next failed command.
      failoverDetector: true,
      ...(target.tls ? { enableTLSForSentinelMode: true } : {}),
    }));
  }
  return new Redis(url, redisOptions);
}

/**
 * A Sentinel client that ioredis ends although nobody closed it connects again. ioredis ends it for
 * good when a sentinel's +switch-master (failoverDetector) arrives while the client is reconnecting
 * and asking a sentinel for the primary (test/store/sentinel-reconnect.test.ts forces that order);
 * the gateway would then answer 503 until restarted. quit() and disconnect() by our code still end it.
 */
function reconnectingAfterUnaskedEnd(store: Redis): Redis {
  let closing = false;
  const disconnect = store.disconnect.bind(store);
  store.disconnect = (reconnect = false): void => {
    if (!reconnect) closing = true;
    disconnect(reconnect);
  };
  const quit = store.quit.bind(store);
  store.quit = ((...args: Parameters<typeof quit>) => {
    closing = true;
    return quit(...args);
  }) as typeof store.quit;
  let attempt = 0;
  store.on('ready', () => (attempt = 0));
  store.on('end', () => {
    if (closing) return;
    setTimeout(() => {
      if (!closing && store.status === 'end') store.connect().catch(() => undefined);
    }, jitteredBackoff(attempt++)).unref();
  });
  return store;
}

/** @deprecated Old name of createStore (it now takes every REDIS_URL form). */
export const createRedis = createStore;

/** Connect, waiting at most `timeoutMs`; rejects with STORE_UNAVAILABLE otherwise. */
export async function connectStore(store: Store, timeoutMs = 2000): Promise<void> {
  if (store.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.status === 'wait' ? store.connect() : new Promise<void>((resolve) => store.once('ready', () => resolve())),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(errors.storeUnavailable()), timeoutMs);
      }),
    ]);
  } catch (err) {
    throw errors.storeUnavailable(err);
  } finally {
    clearTimeout(timer);
  }
}

/** @deprecated Old name of connectStore. */
export const connectRedis = connectStore;

/**
 * Run a store operation; a Redis failure becomes STORE_UNAVAILABLE (never a "not found"). Other
 * errors (bugs, bad data) keep their identity so they are not mistaken for an outage — callers
 * still fail closed on them, with a 500 instead of a 503.
 */
export async function storeCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw isStoreFailure(err) ? errors.storeUnavailable(err) : err;
  }
}

/** Like storeCall, but also STORE_UNAVAILABLE when no answer came within `ms` (Cluster retries included). */
export function storeCallWithin<T>(ms: number, op: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(errors.storeUnavailable(new Error(`no store answer within ${ms} ms`))), ms);
  });
  return Promise.race([storeCall(op), deadline]).finally(() => clearTimeout(timer));
}
