// Fetches CRLs from the CA (CERTGATE_CRL_URL) in the background: at start, every refresh period or
// at the CRL's nextUpdate when that comes first, with a timeout and retries with backoff. Only a
// CRL a trusted CA signed and not older than the one in force is accepted; the last good CRL of
// each CA is written to disk so a restart during a CA outage still has it.
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { derToPem } from './certificate.js';
import { crlDers, verifyCrl } from './crl.js';
import type { CrlState, OfferOutcome } from './crl-state.js';
import type { TrustedCa } from './trusted-cas.js';

export type FetchOutcome = OfferOutcome | 'error';

export interface CrlFetcherOptions {
  state: CrlState;
  cas: () => TrustedCa[];
  cacheDir: string;
  refreshMs: number;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
  /** Counted as certgate_crl_fetch_total{outcome}. */
  onFetch?: (outcome: FetchOutcome, url: string) => void;
  /** A CRL came into force (cluster primary: forwarded to the workers). */
  onAccepted?: (ders: Buffer[], source: string) => void;
}

/** A CA's CRL is seldom more than a few MB; anything far larger is refused rather than buffered. */
const MAX_CRL_BYTES = 64 * 1024 * 1024;
/** Never fetch the same URL more often than this, even when a CA serves a CRL already past nextUpdate. */
const MIN_INTERVAL_MS = 30_000;
const FIRST_RETRY_MS = 5_000;

interface Source {
  url: string;
  timer?: NodeJS.Timeout;
  failures: number;
  inflight?: Promise<FetchOutcome>;
  lastError?: string;
  lastSuccess?: number;
  nextFetchAt?: number;
}

export class CrlFetcher {
  private sources = new Map<string, Source>();
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly o: CrlFetcherOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Last good CRLs from the cache directory (refused ones are logged and skipped). */
  loadCache(): void {
    let files: string[];
    try {
      files = readdirSync(this.o.cacheDir).filter((f) => f.endsWith('.pem'));
    } catch {
      return; // no cache yet
    }
    for (const f of files) {
      try {
        const crls = crlDers(readFileSync(join(this.o.cacheDir, f))).map((der) => verifyCrl(der, this.o.cas()));
        this.o.state.offer(crls, `cache:${f}`);
      } catch (err) {
        this.o.logger.warn({ file: join(this.o.cacheDir, f), err: { message: (err as Error).message } }, 'cached CRL ignored');
      }
    }
  }

  /** Fetch these URLs now and keep them refreshed; resolves when the first fetch of each is done. */
  async add(urls: string[]): Promise<void> {
    const fresh = urls.filter((u) => !this.sources.has(u));
    for (const url of fresh) this.sources.set(url, { url, failures: 0 });
    await Promise.all(fresh.map((u) => this.fetchOne(this.sources.get(u)!)));
  }

  /** Fetch every source now (SIGHUP, tests); resolves with each outcome. */
  async refreshAll(): Promise<FetchOutcome[]> {
    return Promise.all([...this.sources.values()].map((s) => this.fetchOne(s)));
  }

  /** Sources and their last result, for /readyz. */
  status(): Array<{ url: string; lastSuccess: string | null; lastError: string | null; failures: number; nextFetchAt: string | null }> {
    return [...this.sources.values()].map((s) => ({
      url: s.url,
      lastSuccess: s.lastSuccess ? new Date(s.lastSuccess).toISOString() : null,
      lastError: s.lastError ?? null,
      failures: s.failures,
      nextFetchAt: s.nextFetchAt ? new Date(s.nextFetchAt).toISOString() : null,
    }));
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.sources.values()) clearTimeout(s.timer);
  }

  private fetchOne(source: Source): Promise<FetchOutcome> {
    if (!source.inflight) {
      source.inflight = this.attempt(source).finally(() => (source.inflight = undefined));
    }
    return source.inflight;
  }

  private async attempt(source: Source): Promise<FetchOutcome> {
    clearTimeout(source.timer);
    let outcome: FetchOutcome;
    let nextUpdates: number[] = [];
    try {
      const crls = (await this.download(source.url)).map((der) => verifyCrl(der, this.o.cas()));
      if (crls.length === 0) throw new Error('the answer holds no CRL');
      const results = this.o.state.offer(crls, source.url);
      const outcomes = [...results.values()].map((r) => r.outcome);
      outcome = outcomes.includes('accepted') ? 'accepted' : outcomes.includes('older') ? 'older' : 'unchanged';
      for (const [issuerId, r] of results) {
        if (r.outcome === 'accepted') this.accepted(issuerId, r.entry.ders, source.url);
        if (r.outcome === 'older') {
          this.o.logger.warn({ url: source.url, issuer: r.entry.issuer }, 'CRL refused: its cRLNumber is lower than the CRL in force (kept the newer one)');
        }
        if (r.entry.nextUpdate) nextUpdates.push(r.entry.nextUpdate.getTime());
      }
      source.failures = 0;
      source.lastError = undefined;
      source.lastSuccess = this.now();
    } catch (err) {
      outcome = 'error';
      nextUpdates = [];
      source.failures++;
      source.lastError = (err as Error).message;
      this.o.logger.warn({ url: source.url, failures: source.failures, err: { message: source.lastError } }, 'CRL fetch failed; keeping the CRL in force');
    }
    this.o.onFetch?.(outcome, source.url);
    this.schedule(source, outcome === 'error' ? this.backoff(source.failures) : this.nextDelay(nextUpdates));
    return outcome;
  }

  /** The refresh period, or sooner when a CRL's nextUpdate comes first. */
  private nextDelay(nextUpdates: number[]): number {
    const untilNext = nextUpdates.length ? Math.min(...nextUpdates) - this.now() : Infinity;
    return Math.max(MIN_INTERVAL_MS, Math.min(this.o.refreshMs, untilNext));
  }

  private backoff(failures: number): number {
    return Math.min(this.o.refreshMs, FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 16));
  }

  private schedule(source: Source, delayMs: number): void {
    if (this.stopped) return;
    source.nextFetchAt = this.now() + delayMs;
    source.timer = setTimeout(() => void this.fetchOne(source), delayMs);
    source.timer.unref();
  }

  private async download(url: string): Promise<Buffer[]> {
    const res = await fetch(url, { signal: AbortSignal.timeout(this.o.timeoutMs), headers: { accept: 'application/pkix-crl, application/x-pem-file, */*' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_CRL_BYTES) throw new Error(`${length} bytes is larger than a CRL should be`);
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > MAX_CRL_BYTES) throw new Error(`${body.length} bytes is larger than a CRL should be`);
    return crlDers(body);
  }

  private accepted(issuerId: string, ders: Buffer[], source: string): void {
    this.o.onAccepted?.(ders, source);
    try {
      mkdirSync(this.o.cacheDir, { recursive: true, mode: 0o755 });
      const file = join(this.o.cacheDir, `${issuerId}.pem`);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, ders.map((d) => derToPem(d, 'X509 CRL')).join(''));
      renameSync(tmp, file);
    } catch (err) {
      this.o.logger.warn({ dir: this.o.cacheDir, err: { message: (err as Error).message } }, 'could not keep the CRL on disk (CERTGATE_CRL_CACHE_DIR); a restart during a CA outage will not have it');
    }
  }
}

