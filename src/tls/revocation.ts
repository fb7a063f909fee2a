// Is this certificate revoked, as far as the CRLs and OCSP answers in memory say? Asked on every
// request (so resumed TLS sessions and long keep-alive connections are covered too) and answered
// without a network call; only a certificate seen for the first time may wait once for a fetch
// when the policy demands an answer (CERTGATE_OCSP=require, CERTGATE_CRL_STALE=deny).
import type { RevocationConfig } from '../config/config.js';
import { certUrls } from './cert-urls.js';
import type { CertificateFacts } from './certificate.js';
import { CrlState, type CrlEntry } from './crl-state.js';
import type { OcspCache } from './ocsp-cache.js';
import { findIssuingCa, type TrustedCa } from './trusted-cas.js';

/** The login-error reasons revocation can give (a subset of the page reasons; no import of pages from tls). */
type Verdict = 'cert-revoked' | 'cert-revocation-unknown' | 'cert-untrusted' | undefined;

export interface RevocationOptions {
  config: RevocationConfig;
  /** CERTGATE_CRL is set: CRLs are expected even without CERTGATE_CRL_URL. */
  crlFile: boolean;
  cas: TrustedCa[];
  ocsp?: OcspCache | undefined;
  /** `cdp` mode: distribution points learnt from client certificates go here (fetcher or cluster primary). */
  learnCrlUrls?: ((urls: string[]) => Promise<void>) | undefined;
}

export interface CrlStatusEntry {
  issuer: string;
  source: string;
  crlNumber: string | null;
  thisUpdate: string;
  nextUpdate: string | null;
  revoked: number;
  stale: boolean;
}

export class Revocation {
  readonly crls = new CrlState();
  private caIds: Set<string>;
  private cas: TrustedCa[];
  private learnt = new Set<string>();

  constructor(private readonly o: RevocationOptions) {
    this.cas = o.cas;
    this.caIds = new Set(o.cas.map((c) => c.id));
  }

  /** True when some CRL source is configured, so a CA without a current CRL lacks revocation data. */
  get crlExpected(): boolean {
    const c = this.o.config;
    return this.o.crlFile || c.crlUrls.length > 0 || c.crlFromCdp;
  }

  /** After a CA bundle reload: certificates of a CA no longer trusted stop passing, its CRL is dropped. */
  setTrustedCas(cas: TrustedCa[]): void {
    this.cas = cas;
    this.caIds = new Set(cas.map((c) => c.id));
    this.crls.retain(this.caIds);
  }

  /** Resolves once the OCSP fetches in progress are done (background fetches under `prefer`). */
  async settled(): Promise<void> {
    await this.o.ocsp?.settled();
  }

  trustedCas(): TrustedCa[] {
    return this.cas;
  }

  check(facts: CertificateFacts, der: Buffer, now: number): Verdict | Promise<Verdict> {
    if (!this.caIds.has(facts.issuerId)) return 'cert-untrusted';
    const pending: Array<Promise<void>> = [];
    if (this.o.config.crlFromCdp && this.o.learnCrlUrls && !this.learnt.has(facts.issuerId)) {
      this.learnt.add(facts.issuerId);
      const urls = certUrls(der).crl;
      if (urls.length > 0) pending.push(this.o.learnCrlUrls(urls).catch(() => undefined));
    }
    const ocsp = this.o.ocsp && this.o.config.ocsp !== 'off' ? this.o.ocsp : undefined;
    const key = `${facts.issuerId}:${facts.serial}`;
    if (ocsp) {
      const fetching = ocsp.refresh(key, der, () => findIssuingCa(this.cas, der), now);
      if (fetching && this.o.config.ocsp === 'require' && !ocsp.answer(key, now)) pending.push(fetching);
    }
    const first = this.verdict(facts, key, now);
    // Wait (once per certificate, bounded by the fetch timeouts) only when the policy needs the answer.
    if (pending.length > 0 && first === 'cert-revocation-unknown') return Promise.all(pending).then(() => this.verdict(facts, key, now));
    return first;
  }

  private verdict(facts: CertificateFacts, key: string, now: number): Verdict {
    if (this.crls.isRevoked(facts.issuerId, facts.serial)) return 'cert-revoked';
    const policy = this.o.config.ocsp;
    if (this.o.ocsp && policy !== 'off') {
      const answer = this.o.ocsp.answer(key, now);
      if (answer?.status === 'revoked') return 'cert-revoked';
      // A current "good" from the responder is usable revocation data even when the CRL is stale.
      if (answer?.status === 'good') return undefined;
      if (policy === 'require') return 'cert-revocation-unknown';
    }
    if (this.o.config.crlStale === 'deny' && this.crlExpected && this.crls.isStale(facts.issuerId, now, this.o.config.crlGraceMs)) {
      return 'cert-revocation-unknown';
    }
    return undefined;
  }

  /** CAs whose CRL is missing or past nextUpdate + grace (for /readyz and the stale metric). */
  staleIssuers(now: number): string[] {
    if (!this.crlExpected) return [];
    return this.cas.filter((ca) => this.crls.isStale(ca.id, now, this.o.config.crlGraceMs)).map((ca) => ca.subject);
  }

  crlStatus(now: number): CrlStatusEntry[] {
    return this.crls.entries().map((e: CrlEntry) => ({
      issuer: e.issuer,
      source: e.source,
      crlNumber: e.crlNumber === undefined ? null : e.crlNumber.toString(),
      thisUpdate: e.thisUpdate.toISOString(),
      nextUpdate: e.nextUpdate ? e.nextUpdate.toISOString() : null,
      revoked: e.revoked.size,
      stale: this.crls.isStale(e.issuerId, now, this.o.config.crlGraceMs),
    }));
  }
}
