// How long and how hard each measurement runs; environment overrides for quick local runs
// (BENCH_QUICK=1 shortens everything; the README documents the variables).
import { envInt } from './clustered.js';

export interface Settings {
  quick: boolean;
  /** BENCH_ONLY: run only these phases (keepalive, handshakes, storm, registry); empty = all. */
  only: string[];
  /** BENCH_HANDSHAKE_ROWS: only these handshake rows (keys of HANDSHAKE_ROWS, e.g. gateway,bare); empty = all. */
  handshakeRows: string[];
  /** Warm-up per target before its first measured round (the JIT compiles 15–20 s into a load). */
  warmupS: number;
  /** Length of one measured round per target. */
  durationS: number;
  /** BENCH_ROUNDS: measured rounds per target, interleaved across targets; rows show the median. */
  rounds: number;
  connections: number;
  handshakeConcurrency: number;
  /** Fixed request rate of the latency runs (login storm, registry size). */
  latencyRate: number;
  latencyConnections: number;
  stormUsers: number;
  stormUnknownLoops: number;
  stormBackoffMs: number;
  importRows: number;
  serials: number;
  lookups: number;
  /** BENCH_REDIS=cluster: also measure the gateway on a Redis Cluster and report the ratio. */
  redis: 'standalone' | 'cluster';
}

/** Like envInt, but 0 is allowed (BENCH_WARMUP=0: no warm-up). */
function envIntOrZero(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: expected a whole number of seconds ≥ 0, got ${JSON.stringify(raw)}`);
  return n;
}

export const PHASES = ['keepalive', 'handshakes', 'storm', 'registry'];

/** Keys of the handshake rows (measure.ts HANDSHAKE_ROWS), for BENCH_HANDSHAKE_ROWS. */
export const HANDSHAKE_ROW_KEYS = ['gateway', 'bare', 'nginx', 'nginxAuth', 'gatewayTicket', 'gatewaySessionId', 'bareTicket', 'nginxTicket', 'nginxSessionId'];

function list(name: string, allowed: string[]): string[] {
  const items = (process.env[name] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const unknown = items.filter((p) => !allowed.includes(p));
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(', ')}; use ${allowed.join(', ')}`);
  return items;
}

export function loadSettings(): Settings {
  const quick = process.env.BENCH_QUICK === '1';
  return {
    quick,
    only: list('BENCH_ONLY', PHASES),
    handshakeRows: list('BENCH_HANDSHAKE_ROWS', HANDSHAKE_ROW_KEYS),
    warmupS: envIntOrZero('BENCH_WARMUP', quick ? 1 : 20),
    durationS: envInt('BENCH_DURATION', quick ? 3 : 10),
    rounds: envInt('BENCH_ROUNDS', quick ? 1 : 3),
    connections: envInt('BENCH_CONNECTIONS', 50),
    handshakeConcurrency: envInt('BENCH_HANDSHAKE_CONCURRENCY', 32),
    latencyRate: envInt('BENCH_LATENCY_RATE', 200),
    latencyConnections: 10,
    stormUsers: envInt('BENCH_STORM_USERS', 16),
    stormUnknownLoops: envInt('BENCH_STORM_UNKNOWN', 112),
    stormBackoffMs: 250,
    importRows: envInt('BENCH_IMPORT_ROWS', quick ? 10_000 : 100_000),
    serials: envInt('BENCH_SERIALS', quick ? 100_000 : 1_000_000),
    lookups: envInt('BENCH_LOOKUPS', quick ? 5000 : 20_000),
    redis: redisMode(),
  };
}

function redisMode(): 'standalone' | 'cluster' {
  const v = process.env.BENCH_REDIS ?? 'standalone';
  if (v !== 'standalone' && v !== 'cluster') throw new Error(`BENCH_REDIS must be standalone or cluster (got "${v}")`);
  return v;
}
