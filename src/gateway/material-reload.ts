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
import { pemBlocks } from '../tls/certificate.js';
import { summarise, type MaterialSummary } from '../tls/material-summary.js';
import { crlDers, verifyCrl, type VerifiedCrl } from '../tls/crl.js';
import { SERVER_TLS_POLICY } from '../tls/server-policy.js';
import type { Revocation } from '../tls/revocation.js';
import { trustedCaFromDer, type TrustedCa } from '../tls/trusted-cas.js';
import { loadTlsMaterial, type TlsMaterial } from './tls-material.js';

export type { MaterialSummary };

export interface LoadedMaterial extends TlsMaterial {
  /** The CRL file as read (undefined without CERTGATE_CRL). */
  crlFile: Buffer | undefined;
  fileCrls: VerifiedCrl[];
  summary: MaterialSummary;
}

/** The raw files of one material set (what a cluster primary hands to its workers). */
export interface MaterialParts {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  crl: Buffer | undefined;
}

/** Read every file; throws a CertgateError naming the variable to fix. */
export function readMaterialParts(config: Config): MaterialParts {
  const base = loadTlsMaterial(config);
  let crl: Buffer | undefined;
  if (config.tls.crlFile) {
    try {
      crl = readFileSync(config.tls.crlFile);
    } catch (err) {
      throw errors.configInvalid(`CERTGATE_CRL: cannot read ${config.tls.crlFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return { cert: base.cert, key: base.key, ca: base.ca, crl };
}

/** Check that the parts fit together (key of the certificate, CRLs signed by a trusted CA). */
export function buildMaterial(config: Config, parts: MaterialParts, now = Date.now()): LoadedMaterial {
  const chain = pemBlocks(parts.cert.toString('latin1'), ['CERTIFICATE']);
  if (chain.length === 0) throw errors.configInvalid(`CERTGATE_TLS_CERT: ${config.tls.certFile} holds no PEM CERTIFICATE block`);
  let matches = false;
  try {
    matches = new X509Certificate(chain[0]!).checkPrivateKey(createPrivateKey(parts.key));
  } catch (err) {
    throw errors.configInvalid(`CERTGATE_TLS_KEY: ${config.tls.keyFile} is not a usable private key (${(err as Error).message})`);
  }
  if (!matches) {
    throw errors.configInvalid(`CERTGATE_TLS_KEY: ${config.tls.keyFile} does not belong to the certificate in ${config.tls.certFile} (renew both together)`);
  }
  const trustedCas = pemBlocks(parts.ca.toString('latin1'), ['CERTIFICATE', 'X509 CERTIFICATE']).map((der) => trustedCaFromDer(der));
  if (trustedCas.length === 0) throw errors.configInvalid(`CERTGATE_CLIENT_CA: ${config.tls.clientCaFile} holds no PEM CERTIFICATE block`);
  const fileCrls = parts.crl ? crlDers(parts.crl).map((der) => verifyCrl(der, trustedCas)) : [];
  return {
    cert: parts.cert,
    key: parts.key,
    ca: parts.ca,
    crlFile: parts.crl,
    trustedCas,
    crl: undefined,
    fileCrls,
    summary: { loadedAt: new Date(now).toISOString(), server: chain.map(summarise), clientCas: trustedCas.map((ca) => summarise(ca.der)) },
  };
}

/** Read and cross-check every file; throws a CertgateError naming the variable to fix. */
export function loadMaterial(config: Config, now = Date.now()): LoadedMaterial {
  return buildMaterial(config, readMaterialParts(config), now);
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

  private currentParts: MaterialParts;

  constructor(private readonly o: MaterialReloaderOptions) {
    this.current = o.initial.summary;
    this.currentParts = { cert: o.initial.cert, key: o.initial.key, ca: o.initial.ca, crl: o.initial.crlFile };
    this.applyCrls(o.initial);
  }

  summary(): MaterialSummary {
    return this.current;
  }

  /** The files in force (a cluster primary hands them to workers, so all serve the same set). */
  parts(): MaterialParts {
    return this.currentParts;
  }

  /** Re-read the files, or apply the parts a cluster primary already checked. */
  reload(parts?: MaterialParts): ReloadResult {
    let next: LoadedMaterial;
    try {
      next = parts ? buildMaterial(this.o.config, parts) : loadMaterial(this.o.config);
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
        // The same protocol choices as the first context (tls/server-policy.ts), not node's defaults.
        ...SERVER_TLS_POLICY,
        // Keep the session-ticket keys: tickets already issued (and shared by cluster workers) stay valid.
        ticketKeys: server.getTicketKeys(),
      });
    }
    this.o.revocation.setTrustedCas(next.trustedCas);
    this.o.onTrustedCas?.(next.trustedCas);
    this.applyCrls(next);
    this.current = next.summary;
    this.currentParts = { cert: next.cert, key: next.key, ca: next.ca, crl: next.crlFile };
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
