// Builds the revocation machinery of one process: the in-memory CRL/OCSP state every request asks,
// the CRL fetcher (single process, or the cluster primary which forwards CRLs to its workers) and
// their metrics.
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { createRevocationMetrics, type RevocationMetrics } from '../ops/revocation-metrics.js';
import { certUrls } from '../tls/cert-urls.js';
import { crlDers, verifyCrl } from '../tls/crl.js';
import { CrlFetcher } from '../tls/crl-fetcher.js';
import { OcspCache } from '../tls/ocsp-cache.js';
import { Revocation } from '../tls/revocation.js';
import type { TrustedCa } from '../tls/trusted-cas.js';
import type { MaterialSummary } from './material-reload.js';

/** single: one process does everything; primary: fetches, serves no TLS; worker: serves, gets CRLs from the primary. */
export type RevocationRole = 'single' | 'primary' | 'worker';

export interface RevocationSetup {
  revocation: Revocation;
  fetcher: CrlFetcher | undefined;
  metrics: RevocationMetrics;
  /** Load the disk cache and fetch every configured CRL once (failures are logged, retried later). */
  start(): Promise<void>;
  /** CRLs another process accepted (cluster worker): verified here again before use. */
  offerDers(ders: Buffer[], source: string): void;
  stop(): void;
}

export function setupRevocation(o: {
  config: Config;
  logger: Logger;
  cas: TrustedCa[];
  registry: Registry;
  role: RevocationRole;
  /** primary: forward accepted CRLs to the workers. */
  onAccepted?: (ders: Buffer[], source: string) => void;
  /** worker: hand distribution points learnt from client certificates to the primary. */
  learnCrlUrls?: (urls: string[]) => Promise<void>;
  /** The material in force, for its not-after metric (single process and primary). */
  material?: () => MaterialSummary | undefined;
}): RevocationSetup {
  const rc = o.config.revocation;
  const fetches = o.role !== 'worker' && (rc.crlUrls.length > 0 || rc.crlFromCdp);
  // The gauges read `revocation` at scrape time, after it exists.
  const metrics = createRevocationMetrics(o.registry, {
    reloads: o.role !== 'worker',
    ocsp: o.role !== 'primary' && rc.ocsp !== 'off',
    crl: o.role !== 'worker' ? { revocation: () => r } : undefined,
    ...(o.material && o.role !== 'worker' ? { material: o.material } : {}),
  });
  const ocsp =
    o.role !== 'primary' && rc.ocsp !== 'off'
      ? new OcspCache({
          responderUrl: rc.ocspUrl,
          timeoutMs: rc.ocspTimeoutMs,
          defaultTtlMs: rc.ocspCacheMs,
          logger: o.logger,
          onFetch: (outcome) => metrics.ocspFetches?.inc({ outcome }),
        })
      : undefined;
  const r = new Revocation({
    config: rc,
    crlFile: o.config.tls.crlFile !== undefined,
    cas: o.cas,
    ocsp,
    // `fetcher` is declared below; the closure runs only after start.
    learnCrlUrls: fetches ? (urls) => fetcher!.add(urls) : o.learnCrlUrls,
  });
  const fetcher: CrlFetcher | undefined = fetches
    ? new CrlFetcher({
        state: r.crls,
        cas: () => r.trustedCas(),
        cacheDir: rc.crlCacheDir,
        refreshMs: rc.crlRefreshMs,
        timeoutMs: rc.crlTimeoutMs,
        logger: o.logger,
        onFetch: (outcome) => metrics.crlFetches?.inc({ outcome }),
        ...(o.onAccepted ? { onAccepted: o.onAccepted } : {}),
      })
    : undefined;
  return {
    revocation: r,
    fetcher,
    metrics,
    async start() {
      if (!fetcher) return;
      fetcher.loadCache();
      const urls = rc.crlFromCdp ? [...new Set(r.trustedCas().flatMap((ca) => certUrls(ca.der).crl))] : rc.crlUrls;
      await fetcher.add(urls);
    },
    offerDers(ders, source) {
      try {
        r.crls.offer(
          ders.flatMap((d) => crlDers(d)).map((der) => verifyCrl(der, r.trustedCas())),
          source,
        );
      } catch (err) {
        o.logger.warn({ source, err: { message: (err as Error).message } }, 'forwarded CRL refused');
      }
    },
    stop() {
      fetcher?.stop();
    },
  };
}
