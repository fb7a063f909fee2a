// Metrics of TLS material reloads, CRL fetches and freshness, and OCSP checks. Registered on the
// process's registry; in a cluster the primary (which reloads first and fetches CRLs) owns the
// reload and CRL metrics and the workers own the OCSP counter, so nothing is counted twice.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Revocation } from '../tls/revocation.js';
import type { MaterialSummary } from '../tls/material-summary.js';

export interface RevocationMetrics {
  tlsReloads?: Counter<'outcome'>;
  crlFetches?: Counter<'outcome'>;
  ocspFetches?: Counter<'outcome'>;
}

export function createRevocationMetrics(
  registry: Registry,
  o: {
    reloads: boolean;
    crl?: { revocation: () => Revocation; now?: () => number } | undefined;
    ocsp: boolean;
    /** The loaded material (for certgate_tls_not_after_seconds), where reloads are counted. */
    material?: () => MaterialSummary | undefined;
  },
): RevocationMetrics {
  const registers = [registry];
  const out: RevocationMetrics = {};
  if (o.reloads) {
    out.tlsReloads = new Counter({ name: 'certgate_tls_reload_total', help: 'Reloads of server certificate, client CAs and CRL file, by outcome (success, failure)', labelNames: ['outcome'], registers });
  }
  const material = o.material;
  if (material) {
    new Gauge({
      name: 'certgate_tls_not_after_seconds',
      help: 'notAfter of the loaded server certificate and trusted client CAs, Unix time (alert before the server certificate expires)',
      labelNames: ['kind', 'subject'],
      aggregator: 'max',
      registers,
      collect() {
        this.reset();
        const m = material();
        if (!m) return;
        const leaf = m.server[0];
        if (leaf) this.set({ kind: 'server', subject: leaf.subject }, Date.parse(leaf.notAfter) / 1000);
        for (const ca of m.clientCas) this.set({ kind: 'client-ca', subject: ca.subject }, Date.parse(ca.notAfter) / 1000);
      },
    });
  }
  if (o.ocsp) {
    out.ocspFetches = new Counter({ name: 'certgate_ocsp_fetch_total', help: 'OCSP checks by outcome (good, revoked, unknown, error, no-responder)', labelNames: ['outcome'], registers });
  }
  const crl = o.crl;
  if (!crl) return out;
  const now = crl.now ?? Date.now;
  out.crlFetches = new Counter({ name: 'certgate_crl_fetch_total', help: 'CRL downloads by outcome (accepted, unchanged, older, error)', labelNames: ['outcome'], registers });
  // Gauges read the CRLs in force at scrape time; `max` keeps cluster aggregation from adding them up.
  new Gauge({
    name: 'certgate_crl_next_update_seconds',
    help: 'nextUpdate of the CRL in force per issuing CA, Unix time (alert when it is in the past)',
    labelNames: ['issuer'],
    aggregator: 'max',
    registers,
    collect() {
      this.reset();
      for (const e of crl.revocation().crls.entries()) if (e.nextUpdate) this.set({ issuer: e.issuer }, e.nextUpdate.getTime() / 1000);
    },
  });
  new Gauge({
    name: 'certgate_crl_number',
    help: 'cRLNumber of the CRL in force per issuing CA',
    labelNames: ['issuer'],
    aggregator: 'max',
    registers,
    collect() {
      this.reset();
      for (const e of crl.revocation().crls.entries()) if (e.crlNumber !== undefined) this.set({ issuer: e.issuer }, Number(e.crlNumber));
    },
  });
  new Gauge({
    name: 'certgate_crl_stale',
    help: '1 when the trusted CA has no CRL or its CRL is past nextUpdate plus CERTGATE_CRL_GRACE',
    labelNames: ['issuer'],
    aggregator: 'max',
    registers,
    collect() {
      this.reset();
      const r = crl.revocation();
      const stale = new Set(r.staleIssuers(now()));
      if (!r.crlExpected) return;
      for (const ca of r.trustedCas()) this.set({ issuer: ca.subject }, stale.has(ca.subject) ? 1 : 0);
    },
  });
  return out;
}
