// Redis connections that fail fast: a bounded command timeout, few retries and no offline queue,
// so an outage turns into a 503 within about a second and never into a hang (ARCHITECTURE.md "Safety rules": fail closed).
import { Redis, type RedisOptions } from 'ioredis';
import { errors } from '../errors/certgate-error.js';
import { isStoreFailure } from './store-failure.js';

export interface StoreOptions {
  /** Per-command timeout in ms; a command past it rejects and the request fails closed. */
  commandTimeoutMs?: number;
  /** Name shown in CLIENT LIST, to tell gateway, CLI and portal connections apart. */
  connectionName?: string;
  /**
   * Batch the commands issued in one event-loop tick into one write: under load the gateway's
   * concurrent requests then share socket writes and Redis reads instead of one syscall each.
   */
  autoPipelining?: boolean;
}

export function createRedis(url: string, options: StoreOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.connectionName ?? 'certgate',
    commandTimeout: options.commandTimeoutMs ?? 800,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    // Commands issued while disconnected fail at once instead of queueing without bound.
    enableOfflineQueue: false,
    lazyConnect: true,
    enableAutoPipelining: options.autoPipelining ?? false,
    // Reconnect forever with a capped backoff: the gateway recovers by itself when Redis returns.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
  };
  return new Redis(url, redisOptions);
}

/** Connect, waiting at most `timeoutMs`; rejects with STORE_UNAVAILABLE otherwise. */
export async function connectRedis(redis: Redis, timeoutMs = 2000): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.status === 'wait' ? redis.connect() : new Promise<void>((resolve) => redis.once('ready', () => resolve())),
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
