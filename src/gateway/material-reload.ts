// Reloads the listener's TLS material without a restart (SIGHUP): server chain and key, client CA
// bundle and CRL file are read and checked together; only a complete, consistent set replaces the
// old one (setSecureContext: open connections keep theirs), otherwise the old set stays in force.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import type { Counter } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { errors } from '../errors/certgate-error.js';
import { pemBlocks, readCertificate } from '../tls/certificate.js';
import { crlDers, verifyCrl, type VerifiedCrl } from '../tls/crl.js';
import type { Revocation } from '../tls/revocation.js';
import type { TrustedCa } from '../tls/trusted-cas.js';
import { loadTlsMaterial, type TlsMaterial } from './tls-material.js';

export interface CertSummary {
  subject: string;
  fingerprint256: string;
  notAfter: string;
}

export interface MaterialSummary {
  loadedAt: string;
  server: CertSummary[];
  clientCas: CertSummary[];
}

export interface LoadedMaterial extends TlsMaterial {
  fileCrls: VerifiedCrl[];
  summary: MaterialSummary;
}

const summarise = (der: Buffer): CertSummary => {
  const f = readCertificate(der);
  return { subject: f.subject, fingerprint256: f.fingerprint256, notAfter: f.notAfter.toISOString() };
};

/** Read and cross-check every file; throws a CertgateError naming the variable to fix. */
export function loadMaterial(config: Config, now = Date.now()): LoadedMaterial {
  const base = loadTlsMaterial(config);
  const chain = pemBlocks(base.cert.toString('latin1'), ['CERTIFICATE']);
  if (chain.length === 0) throw errors.configInvalid(`CERTGATE_TLS_CERT: ${config.tls.certFile} holds no PEM CERTIFICATE block`);
  let matches = false;
  try {
    matches = new X509Certificate(chain[0]!).checkPrivateKey(createPrivateKey(base.key));
  } catch (err) {
    throw errors.configInvalid(`CERTGATE_TLS_KEY: ${config.tls.keyFile} is not a usable private key (${(err as Error).message})`);
  }
  if (!matches) {
    throw errors.configInvalid(`CERTGATE_TLS_KEY: ${config.tls.keyFile} does not belong to the certificate in ${config.tls.certFile} (renew both together)`);
  }
  const fileCrls = config.tls.crlFile ? crlDers(readFileSync(config.tls.crlFile)).map((der) => verifyCrl(der, base.trustedCas)) : [];
  return {
    ...base,
    fileCrls,
    summary: { loadedAt: new Date(now).toISOString(), server: chain.map(summarise), clientCas: base.trustedCas.map((ca) => summarise(ca.der)) },
  };
}

/** The files a reload reads (what CERTGATE_TLS_WATCH watches). */
export const materialFiles = (config: Config): string[] =>
  [config.tls.certFile, config.tls.keyFile, config.tls.clientCaFile, config.tls.crlFile].filter((f): f is string => f !== undefined);

export type ReloadResult = { ok: true; summary: MaterialSummary } | { ok: false; error: string };

export interface MaterialReloaderOptions {
  config: Config;
  logger: Logger;
  revocation: Revocation;
  initial: LoadedMaterial;
  /** The mTLS listener; absent in a cluster primary, which only checks and describes the files. */
  server?: HttpsServer | undefined;
  /** Called with the new CA list (the gateway's deps follow it). */
  onTrustedCas?: ((cas: TrustedCa[]) => void) | undefined;
  counter?: Counter<'outcome'> | undefined;
}

export class MaterialReloader {
  private current: MaterialSummary;

  constructor(private readonly o: MaterialReloaderOptions) {
    this.current = o.initial.summary;
    this.applyCrls(o.initial);
  }

  summary(): MaterialSummary {
    return this.current;
  }

  reload(): ReloadResult {
    let next: LoadedMaterial;
    try {
      next = loadMaterial(this.o.config);
    } catch (err) {
      const error = (err as Error).message;
      this.o.counter?.inc({ outcome: 'failure' });
      this.o.logger.error({ err: { message: error } }, `TLS reload failed, keeping the material in force: ${error}`);
      return { ok: false, error };
    }
    const server = this.o.server;
    if (server) {
      server.setSecureContext({
        cert: next.cert,
        key: next.key,
        ca: next.ca,
        minVersion: 'TLSv1.2',
        // Keep the session-ticket keys: tickets already issued (and shared by cluster workers) stay valid.
        ticketKeys: server.getTicketKeys(),
      });
    }
    this.o.revocation.setTrustedCas(next.trustedCas);
    this.o.onTrustedCas?.(next.trustedCas);
    this.applyCrls(next);
    this.current = next.summary;
    this.o.counter?.inc({ outcome: 'success' });
    this.o.logger.info(
      { server: next.summary.server[0]?.fingerprint256, serverNotAfter: next.summary.server[0]?.notAfter, clientCas: next.summary.clientCas.length, crls: next.fileCrls.length },
      'TLS material reloaded',
    );
    return { ok: true, summary: next.summary };
  }

  private applyCrls(m: LoadedMaterial): void {
    if (m.fileCrls.length === 0) return;
    for (const [, r] of this.o.revocation.crls.offer(m.fileCrls, `file:${this.o.config.tls.crlFile}`)) {
      if (r.outcome === 'older') this.o.logger.warn({ issuer: r.entry.issuer }, 'CERTGATE_CRL holds an older CRL (lower cRLNumber) than the one in force; kept the newer one');
    }
  }
}
