// Readiness checks: the store answers, the upstream accepts TCP connections, TLS material is loaded.
import { connect } from 'node:net';
import type { Redis } from 'ioredis';

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

export const storeCheck =
  (redis: Redis, timeoutMs = 1000): Check =>
  async () => {
    try {
      await withTimeout(redis.ping(), timeoutMs, 'redis');
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  };

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
