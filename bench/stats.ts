// Latency samples kept exactly (autocannon's histogram rounds to whole milliseconds) and their percentiles.

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** A growable list of durations in milliseconds, capped so a runaway run cannot eat the memory. */
export class Samples {
  private buf = new Float64Array(1 << 16);
  private n = 0;
  dropped = 0;

  constructor(private readonly cap = 5_000_000) {}

  add(ms: number): void {
    if (this.n === this.buf.length) {
      if (this.n >= this.cap) {
        this.dropped++;
        return;
      }
      const next = new Float64Array(Math.min(this.buf.length * 2, this.cap));
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = ms;
  }

  /**
   * Record `ms` from a client that sends one request every `intervalMs`: a slow answer also delayed
   * the requests that would have been sent meanwhile, so add those too (HdrHistogram's coordinated-
   * omission correction) — otherwise a stall hides behind the requests it prevented.
   */
  addCorrected(ms: number, intervalMs: number): void {
    this.add(ms);
    if (intervalMs <= 0) return;
    for (let missed = ms - intervalMs; missed >= intervalMs; missed -= intervalMs) this.add(missed);
  }

  get count(): number {
    return this.n;
  }

  summary(): LatencySummary {
    const sorted = this.buf.slice(0, this.n).sort();
    const at = (p: number) => (this.n === 0 ? Number.NaN : sorted[Math.min(this.n - 1, Math.max(0, Math.ceil((p / 100) * this.n) - 1))]!);
    let total = 0;
    for (let i = 0; i < this.n; i++) total += sorted[i]!;
    return {
      count: this.n,
      mean: round(this.n ? total / this.n : Number.NaN),
      p50: round(at(50)),
      p90: round(at(90)),
      p99: round(at(99)),
      max: round(this.n ? sorted[this.n - 1]! : Number.NaN),
    };
  }
}

/** Three decimals: microsecond resolution for values in milliseconds. */
export const round = (v: number, digits = 3): number => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);

export const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
