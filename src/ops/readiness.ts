// Readiness checks: the store answers, the upstream accepts TCP connections, TLS material is loaded.
import { connect } from 'node:net';
import { primaryAddresses, type Store } from '../store/store.js';
import type { InvalidationFeed } from '../store/invalidation-feed.js';

/** `degraded`: serving, but something an operator must look at (e.g. a stale CRL); `detail`: what is loaded. */
export type CheckResult = ({ ok: true; degraded?: string } | { ok: false; error: string }) & { detail?: unknown };
export type Check = () => Promise<CheckResult>;

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

/** Where the store is, for messages (never its password). */
function storeAddress(redis: Store): string {
  // Sentinel and Cluster: the primaries this client is connected to now.
  const primaries = primaryAddresses(redis).join(', ');
  return primaries && !primaries.includes('undefined') ? primaries : 'the configured address';
}

/** The client library's message in the words an operator reads on /readyz. */
export function describeStoreFailure(err: unknown, address: string, timeoutMs: number): string {
  const e = err as { code?: string; message?: string };
  const text = `${e.code ?? ''} ${e.message ?? ''}`;
  let why: string;
  if (/ECONNREFUSED/.test(text)) why = 'connection refused: is redis-server running there?';
  else if (/ENOTFOUND|EAI_AGAIN/.test(text)) why = 'host name not found';
  else if (/did not answer|ETIMEDOUT|timed? ?out/i.test(text)) why = `no answer within ${timeoutMs} ms`;
  else if (/NOAUTH|WRONGPASS|AUTH/i.test(text)) why = 'authentication failed: check the user and password in REDIS_URL';
  else if (/LOADING/.test(text)) why = 'redis is still loading its data';
  else if (/Stream isn't writeable|Connection is closed|enableOfflineQueue/i.test(text)) why = 'not connected (reconnecting)';
  else why = 'no valid answer';
  return `store (REDIS_URL) at ${address} is not reachable: ${why}`;
}

export function storeCheck(redis: Store, timeoutMs = 1000): Check {
  // While disconnected the client only says "not writeable": the last connection error says why.
  let lastConnectionError: unknown;
  redis.on('error', (err: unknown) => (lastConnectionError = err));
  redis.on('ready', () => (lastConnectionError = undefined));
  return async () => {
    try {
      await withTimeout(redis.ping(), timeoutMs, 'redis');
      return { ok: true };
    } catch (err) {
      const notConnected = /Stream isn't writeable|Connection is closed|enableOfflineQueue/i.test((err as Error).message ?? '');
      const cause = notConnected && lastConnectionError ? lastConnectionError : err;
      return { ok: false, error: describeStoreFailure(cause, storeAddress(redis), timeoutMs) };
    }
  };
}

/**
 * The local copies (CERTGATE_LOCAL_COPY): never a reason to stop serving — without a tracking link
 * requests read the store, exact but slower — so a link down is "degraded", for the operator to see.
 */
export function localCopyCheck(feed: InvalidationFeed | undefined): Check {
  return async () => {
    if (!feed) return { ok: true, detail: 'off' };
    if (feed.live) return { ok: true, detail: `live on ${feed.linkCount} primar${feed.linkCount === 1 ? 'y' : 'ies'}` };
    return { ok: true, degraded: 'local copies unused: a Redis client-tracking link is down or opening; every request reads the store meanwhile' };
  };
}

export const tcpCheck =
  (url: URL, timeoutMs = 1000): Check =>
  () =>
    new Promise<CheckResult>((resolve) => {
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port });
      const done = (result: CheckResult) => {
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(timeoutMs, () => done({ ok: false, error: `no connection within ${timeoutMs} ms` }));
      socket.once('connect', () => done({ ok: true }));
      socket.once('error', (err) => done({ ok: false, error: err.message }));
    });

export async function runChecks(checks: Record<string, Check>): Promise<{ ok: boolean; degraded: boolean; checks: Record<string, CheckResult> }> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((n) => checks[n]!()));
  const out: Record<string, CheckResult> = {};
  names.forEach((n, i) => (out[n] = results[i]!));
  return { ok: results.every((r) => r.ok), degraded: results.some((r) => r.ok && r.degraded !== undefined), checks: out };
}
