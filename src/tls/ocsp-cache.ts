// OCSP answers per certificate, cached until their nextUpdate: fetched in the background at first
// sight (and again shortly before they run out), never once per request. Failures back off per
// certificate so an unreachable responder is not asked on every request either.
import type { Logger } from '../log/logger.js';
import { certUrls } from './cert-urls.js';
import { OcspError, buildOcspRequest, readOcspResponse, type OcspAnswer } from './ocsp.js';
import type { TrustedCa } from './trusted-cas.js';

export type OcspFetchOutcome = 'good' | 'revoked' | 'unknown' | 'error' | 'no-responder';

export interface OcspCacheOptions {
  /** CERTGATE_OCSP_URL: used instead of the certificate's AIA responder. */
  responderUrl: string | undefined;
  timeoutMs: number;
  /** Cache period of an answer without nextUpdate (CERTGATE_OCSP_CACHE). */
  defaultTtlMs: number;
  logger: Logger;
  onFetch?: (outcome: OcspFetchOutcome) => void;
}

interface Entry {
  answer?: OcspAnswer;
  /** The answer is used until then. */
  expiresAt: number;
  /** No new fetch before then (after a failure, or while an answer is fresh). */
  retryAt: number;
  failures: number;
  inflight?: Promise<void>;
}

/** Bounds memory: certificates beyond this are evicted oldest first. */
const MAX_ENTRIES = 100_000;
const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_MS = 10 * 60_000;

export class OcspCache {
  private entries = new Map<string, Entry>();

  constructor(private readonly o: OcspCacheOptions) {}

  /** The usable answer for the certificate at `now`, if any. */
  answer(key: string, now: number): OcspAnswer | undefined {
    const e = this.entries.get(key);
    return e?.answer && now < e.expiresAt ? e.answer : undefined;
  }

  /**
   * Start a fetch when none runs and the entry is missing, about to expire or past its retry
   * time; returns the fetch in progress (or undefined when nothing is needed yet).
   */
  refresh(key: string, certDer: Buffer, issuerOf: () => TrustedCa | undefined, now: number): Promise<void> | undefined {
    let e = this.entries.get(key);
    if (!e) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      e = { expiresAt: 0, retryAt: 0, failures: 0 };
      this.entries.set(key, e);
    }
    if (e.inflight) return e.inflight;
    if (now < e.retryAt) return undefined;
    const entry = e;
    entry.inflight = this.fetch(entry, certDer, issuerOf, now).finally(() => (entry.inflight = undefined));
    return entry.inflight;
  }

  /** Resolves once every fetch now in progress has finished (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.inflight));
  }

  private async fetch(e: Entry, certDer: Buffer, issuerOf: () => TrustedCa | undefined, now: number): Promise<void> {
    const url = this.o.responderUrl ?? certUrls(certDer).ocsp[0];
    // The issuing CA is looked up (a signature check) only here, once per fetch.
    const issuer = issuerOf();
    if (!url || !issuer) {
      this.failed(e, now, 'no-responder');
      return;
    }
    try {
      const request = buildOcspRequest(certDer, issuer);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
        body: new Uint8Array(request.der),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      if (!res.ok) throw new OcspError(`HTTP ${res.status}`);
      const answer = readOcspResponse(Buffer.from(await res.arrayBuffer()), request, issuer, Date.now());
      const expiresAt = answer.nextUpdate ? answer.nextUpdate.getTime() : now + this.o.defaultTtlMs;
      e.answer = answer;
      e.expiresAt = expiresAt;
      e.failures = 0;
      // Ask again when 90 % of the validity has passed, so the next answer is there before this one runs out.
      e.retryAt = now + Math.max(1000, (expiresAt - now) * 0.9);
      this.o.onFetch?.(answer.status);
    } catch (err) {
      this.o.logger.warn({ url, err: { message: (err as Error).message } }, 'OCSP check failed');
      this.failed(e, now, 'error');
    }
  }

  private failed(e: Entry, now: number, outcome: OcspFetchOutcome): void {
    e.failures++;
    e.retryAt = now + Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(e.failures - 1, 10));
    this.o.onFetch?.(outcome);
  }
}
