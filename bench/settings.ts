// How long and how hard each measurement runs; environment overrides for quick local runs
// (BENCH_QUICK=1 shortens everything; the README documents the variables).
import { envInt } from './clustered.js';

export interface Settings {
  quick: boolean;
  /** BENCH_ONLY: run only these phases (keepalive, handshakes, storm, registry); empty = all. */
  only: string[];
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

export function loadSettings(): Settings {
  const quick = process.env.BENCH_QUICK === '1';
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const unknown = only.filter((p) => !PHASES.includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown phase ${unknown.join(', ')}; use ${PHASES.join(', ')}`);
  return {
    quick,
    only,
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
