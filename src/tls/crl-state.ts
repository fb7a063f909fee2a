// The CRLs in force, one entry per issuing CA, swapped whole when a newer CRL arrives (so a request
// never sees half of one): answers "revoked?" and "stale?" from memory on every request.
import type { VerifiedCrl } from './crl.js';

export interface CrlEntry {
  issuerId: string;
  /** Issuer name as text, for logs, /readyz and metric labels. */
  issuer: string;
  revoked: ReadonlySet<string>;
  crlNumber: bigint | undefined;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  /** Where it came from: a URL, the CERTGATE_CRL file, or the on-disk cache. */
  source: string;
  /** The verified DER CRLs behind this entry (kept for the disk cache and cluster workers). */
  ders: Buffer[];
}

/** accepted: now in force; unchanged: the same CRL again; older: refused (lower cRLNumber). */
export type OfferOutcome = 'accepted' | 'unchanged' | 'older';

/** Several CRLs of one CA (e.g. in one file) act as one: union of serials, newest dates and number. */
function merge(crls: VerifiedCrl[], source: string): CrlEntry {
  const first = crls[0]!;
  const revoked = new Set<string>();
  let crlNumber: bigint | undefined;
  let thisUpdate = first.thisUpdate;
  let nextUpdate = first.nextUpdate;
  for (const c of crls) {
    for (const s of c.serials) revoked.add(s);
    if (c.crlNumber !== undefined && (crlNumber === undefined || c.crlNumber > crlNumber)) crlNumber = c.crlNumber;
    if (c.thisUpdate > thisUpdate) thisUpdate = c.thisUpdate;
    if (c.nextUpdate && (!nextUpdate || c.nextUpdate > nextUpdate)) nextUpdate = c.nextUpdate;
  }
  return { issuerId: first.signer.id, issuer: first.issuer, revoked, crlNumber, thisUpdate, nextUpdate, source, ders: crls.map((c) => c.der) };
}

/** Newer by cRLNumber when both carry one (RFC 5280 5.2.3), else by thisUpdate. */
function compare(next: CrlEntry, current: CrlEntry): number {
  if (next.crlNumber !== undefined && current.crlNumber !== undefined) {
    return next.crlNumber > current.crlNumber ? 1 : next.crlNumber < current.crlNumber ? -1 : 0;
  }
  return Math.sign(next.thisUpdate.getTime() - current.thisUpdate.getTime());
}

export class CrlState {
  private byIssuer = new Map<string, CrlEntry>();

  /** Offer verified CRLs from one source; each CA's entry is replaced only by a newer CRL. */
  offer(crls: VerifiedCrl[], source: string): Map<string, { outcome: OfferOutcome; entry: CrlEntry }> {
    const groups = new Map<string, VerifiedCrl[]>();
    for (const c of crls) groups.set(c.signer.id, [...(groups.get(c.signer.id) ?? []), c]);
    const out = new Map<string, { outcome: OfferOutcome; entry: CrlEntry }>();
    for (const [issuerId, group] of groups) {
      const entry = merge(group, source);
      const current = this.byIssuer.get(issuerId);
      const order = current ? compare(entry, current) : 1;
      if (order > 0) {
        this.byIssuer.set(issuerId, entry);
        out.set(issuerId, { outcome: 'accepted', entry });
      } else {
        out.set(issuerId, { outcome: order === 0 ? 'unchanged' : 'older', entry: current! });
      }
    }
    return out;
  }

  isRevoked(issuerId: string, serial: string): boolean {
    return this.byIssuer.get(issuerId)?.revoked.has(serial) ?? false;
  }

  get(issuerId: string): CrlEntry | undefined {
    return this.byIssuer.get(issuerId);
  }

  /** No CRL for the CA, or its nextUpdate (plus grace) has passed. */
  isStale(issuerId: string, now: number, graceMs: number): boolean {
    const e = this.byIssuer.get(issuerId);
    return !e || (e.nextUpdate !== undefined && now > e.nextUpdate.getTime() + graceMs);
  }

  entries(): CrlEntry[] {
    return [...this.byIssuer.values()];
  }

  /** Forget CRLs of CAs no longer trusted (after a CA bundle reload). */
  retain(issuerIds: ReadonlySet<string>): void {
    for (const id of this.byIssuer.keys()) if (!issuerIds.has(id)) this.byIssuer.delete(id);
  }
}
