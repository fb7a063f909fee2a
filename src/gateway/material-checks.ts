// The /readyz `tls` check: the listener is up, what material is loaded (fingerprints and not-after
// dates) and the revocation data in force; `degraded` while a CRL is past nextUpdate + grace.
import type { Config } from '../config/config.js';
import type { Check } from '../ops/readiness.js';
import type { MaterialSummary } from './material-reload.js';
import type { RevocationSetup } from './revocation-setup.js';

export function revocationDetail(setup: RevocationSetup, config: Config, now: number) {
  const r = setup.revocation;
  return {
    crlStalePolicy: config.revocation.crlStale,
    ocsp: config.revocation.ocsp,
    crls: r.crlStatus(now),
    staleIssuers: r.staleIssuers(now),
    ...(setup.fetcher ? { sources: setup.fetcher.status() } : {}),
  };
}

export const tlsMaterialCheck =
  (o: { listening: () => string | undefined; summary: () => MaterialSummary; revocation: RevocationSetup; config: Config; now?: () => number }): Check =>
  async () => {
    const revocation = revocationDetail(o.revocation, o.config, (o.now ?? Date.now)());
    const detail = { ...o.summary(), revocation };
    const problem = o.listening();
    if (problem) return { ok: false, error: problem, detail };
    if (revocation.staleIssuers.length === 0) return { ok: true, detail };
    const action =
      o.config.revocation.crlStale === 'deny' ? 'their certificates are refused (cert-revocation-unknown)' : 'still serving (CERTGATE_CRL_STALE=warn)';
    return { ok: true, degraded: `no current CRL for ${revocation.staleIssuers.join('; ')}: ${action}`, detail };
  };
