// One row out of several rounds: medians for rates, latencies and CPU figures, sums for counts, the
// worst round for the share of CPU other processes took (a disturbance shows even in one round).
import type { HandshakeResult } from './handshake.js';
import type { HttpResult } from './loadgen.js';
import type { CpuUse } from './measure.js';
import type { LatencySummary } from './stats.js';
import { round } from './stats.js';

/** Median of the defined values (mean of the middle two for an even count); undefined when none. */
export function median(values: ReadonlyArray<number | undefined>): number | undefined {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

const max = (values: ReadonlyArray<number | undefined>): number | undefined => {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length === 0 ? undefined : Math.max(...v);
};

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

function latency(all: LatencySummary[]): LatencySummary {
  const m = (pick: (l: LatencySummary) => number) => round(median(all.map(pick)) ?? Number.NaN);
  return { count: sum(all.map((l) => l.count)), mean: m((l) => l.mean), p50: m((l) => l.p50), p90: m((l) => l.p90), p99: m((l) => l.p99), max: round(max(all.map((l) => l.max)) ?? Number.NaN) };
}

function cpuUse(all: CpuUse[]): CpuUse {
  const out: CpuUse = {
    cpu: {
      servers: median(all.map((r) => r.cpu?.servers)),
      loadGenerator: median(all.map((r) => r.cpu?.loadGenerator)),
      foreign: max(all.map((r) => r.cpu?.foreign)),
    },
  };
  const perOp = median(all.map((r) => r.cpuMsPerOp));
  if (perOp !== undefined) out.cpuMsPerOp = perOp;
  const serverMs: Record<string, number> = {};
  for (const r of all) for (const [group, ms] of Object.entries(r.serverMs ?? {})) serverMs[group] = (serverMs[group] ?? 0) + ms;
  if (Object.keys(serverMs).length > 0) out.serverMs = serverMs;
  return out;
}

export function aggregateHttp(all: Array<HttpResult & CpuUse>): HttpResult & CpuUse {
  const statusCodes: Record<string, number> = {};
  for (const r of all) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    reqPerSec: Math.round(median(all.map((r) => r.reqPerSec)) ?? 0),
    ok: sum(all.map((r) => r.ok)),
    non2xx: sum(all.map((r) => r.non2xx)),
    errors: sum(all.map((r) => r.errors)),
    timeouts: sum(all.map((r) => r.timeouts)),
    statusCodes,
    latency: latency(all.map((r) => r.latency)),
    ...cpuUse(all),
  };
}

export function aggregateHandshakes(all: Array<HandshakeResult & CpuUse>): HandshakeResult & CpuUse {
  const out: HandshakeResult & CpuUse = {
    completed: sum(all.map((r) => r.completed)),
    perSec: Math.round(median(all.map((r) => r.perSec)) ?? 0),
    failed: sum(all.map((r) => r.failed)),
    non200: sum(all.map((r) => r.non200)),
    resumed: sum(all.map((r) => r.resumed)),
    connectToResponse: latency(all.map((r) => r.connectToResponse)),
    ...cpuUse(all),
  };
  const firstError = all.find((r) => r.firstError)?.firstError;
  if (firstError) out.firstError = firstError;
  return out;
}

/**
 * The median over rounds of `a`'s value divided by `b`'s value in the same round: a slow round
 * (another process took the CPU) moves both sides together and drops out of the median.
 */
export function medianRoundRatio<T>(a: ReadonlyArray<T> | undefined, b: ReadonlyArray<T> | undefined, pick: (r: T) => number | undefined): number | undefined {
  if (!a || !b) return undefined;
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = pick(a[i]!);
    const y = pick(b[i]!);
    if (x !== undefined && y !== undefined && y > 0) ratios.push(x / y);
  }
  return median(ratios);
}

/** Like medianRoundRatio, for a difference `a − b` per round. */
export function medianRoundDifference<T>(a: ReadonlyArray<T> | undefined, b: ReadonlyArray<T> | undefined, pick: (r: T) => number | undefined): number | undefined {
  if (!a || !b) return undefined;
  const diffs: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = pick(a[i]!);
    const y = pick(b[i]!);
    if (x !== undefined && y !== undefined) diffs.push(x - y);
  }
  return median(diffs);
}
