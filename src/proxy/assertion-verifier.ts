// The portal side of the assertion: the stateless check plus a bounded cache of request ids seen
// within the window, so one captured set of headers is accepted once and never again.
import { checkAssertion, identityOf, DEFAULT_MAX_AGE_MS, type Identity } from './assertion.js';

export interface VerifierOptions {
  maxAgeMs?: number;
  /**
   * Request ids remembered at most. Past it the oldest are forgotten first: with the default and a
   * 30 s window that is over 3,000 requests per second before an id could leave the cache early.
   */
  maxEntries?: number;
}

export type Verdict = { ok: true; identity: Identity; requestId: string } | { ok: false; reason: 'invalid' | 'replayed' };

export class AssertionVerifier {
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  /** requestId → time (ms) after which the id's assertion is stale anyway; insertion order ≈ age. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly key: Buffer,
    options: VerifierOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.seen.size;
  }

  verify(request: { method: string; url: string; headers: Record<string, string | string[] | undefined> }, now = Date.now()): Verdict {
    const checked = checkAssertion(this.key, request, now, this.maxAgeMs);
    const identity = checked ? identityOf(checked) : undefined;
    if (!checked || !identity) return { ok: false, reason: 'invalid' };
    this.prune(now);
    if (this.seen.has(checked.requestId)) return { ok: false, reason: 'replayed' };
    this.seen.set(checked.requestId, checked.ts * 1000 + this.maxAgeMs);
    while (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
    return { ok: true, identity, requestId: checked.requestId };
  }

  private prune(now: number): void {
    for (const [id, until] of this.seen) {
      if (until >= now) break;
      this.seen.delete(id);
    }
  }
}
