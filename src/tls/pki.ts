// Dev/test PKI primitives: CAs, server and client certificates (RSA or ECDSA P-256), CRLs and
// PKCS#12 files. The certs-dev/ set built from them is dev-pki.ts.
import { certificateParts, derToPem, readCertificate, subjectId } from './certificate.js';
import { buildPkcs12 } from './p12.js';
import { normaliseSerial } from './serial.js';
import { type KeyType, buildCertificate, buildCrl, buildName, generateKey, keyFromPem, keyIdentifier, keyToPem, randomSerial } from './x509-builder.js';
import type { KeyObject } from 'node:crypto';

export interface Ca {
  certPem: string;
  keyPem: string;
  der: Buffer;
  /** subjectId: the issuerId of everything it issues. */
  id: string;
}

export interface Issued {
  certPem: string;
  keyPem: string;
  der: Buffer;
  /** Normalised serial. */
  serial: string;
  p12?: Buffer;
}

export const DAY = 86_400_000;

export function createCa(opts: { commonName: string; keyType?: KeyType; organization?: string }): Ca {
  const key = generateKey(opts.keyType ?? 'rsa');
  const name = buildName({ commonName: opts.commonName, organization: opts.organization ?? 'certgate development' });
  const now = Date.now();
  const der = buildCertificate({
    serial: randomSerial(),
    subject: name,
    issuer: name,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 3650 * DAY),
    subjectKey: key,
    issuerKey: key,
    kind: 'ca',
  });
  return { certPem: derToPem(der), keyPem: keyToPem(key), der, id: subjectId(der) };
}

export interface IssueOptions {
  kind: 'server' | 'client' | 'ocsp' | 'ca';
  commonName: string;
  organization?: string | undefined;
  key: KeyObject;
  notBefore: Date;
  notAfter: Date;
  serial: string;
  hosts?: string[];
  crlUrls?: string[];
  ocspUrls?: string[];
}

export function issue(ca: Ca, o: IssueOptions): Issued {
  const caParts = certificateParts(ca.der);
  const der = buildCertificate({
    serial: o.serial,
    subject: buildName({ commonName: o.commonName, organization: o.organization }),
    issuer: caParts.subject,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    subjectKey: o.key,
    issuerKey: keyFromPem(ca.keyPem),
    authorityKeyId: keyIdentifier(caParts.spki),
    kind: o.kind,
    ...(o.hosts ? { hosts: o.hosts } : {}),
    ...(o.crlUrls ? { crlUrls: o.crlUrls } : {}),
    ...(o.ocspUrls ? { ocspUrls: o.ocspUrls } : {}),
  });
  return { certPem: derToPem(der), keyPem: keyToPem(o.key), der, serial: readCertificate(der).serial };
}

export function issueServerCert(ca: Ca, opts: { hosts: string[]; keyType?: KeyType; key?: KeyObject }): Issued {
  const now = Date.now();
  return issue(ca, {
    kind: 'server',
    commonName: opts.hosts[0] ?? 'localhost',
    key: opts.key ?? generateKey(opts.keyType ?? 'rsa'),
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 825 * DAY),
    serial: randomSerial(),
    hosts: opts.hosts,
  });
}

export function issueClientCert(
  ca: Ca,
  opts: {
    commonName: string;
    organization?: string;
    keyType?: KeyType;
    notBefore?: Date;
    notAfter?: Date;
    serialHex?: string;
    p12Password?: string;
    /** Reuse a key (tests issue many certificates; RSA key generation is the slow part). */
    key?: KeyObject;
    /** CRL distribution point and OCSP responder (AIA) URLs to embed. */
    crlUrls?: string[];
    ocspUrls?: string[];
  },
): Issued {
  const now = Date.now();
  const key = opts.key ?? generateKey(opts.keyType ?? 'rsa');
  const issued = issue(ca, {
    kind: 'client',
    commonName: opts.commonName,
    organization: opts.organization,
    key,
    notBefore: opts.notBefore ?? new Date(now - 3_600_000),
    notAfter: opts.notAfter ?? new Date(now + 730 * DAY),
    serial: opts.serialHex !== undefined ? normaliseSerial(opts.serialHex) : randomSerial(),
    ...(opts.crlUrls ? { crlUrls: opts.crlUrls } : {}),
    ...(opts.ocspUrls ? { ocspUrls: opts.ocspUrls } : {}),
  });
  if (opts.p12Password !== undefined) {
    issued.p12 = buildPkcs12({ key, certs: [issued.der], password: opts.p12Password, friendlyName: opts.commonName });
  }
  return issued;
}

export interface CrlOptions {
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** cRLNumber; default: the current time in seconds, so later CRLs number higher. */
  crlNumber?: number | bigint;
}

/** A CRL signed by `ca` listing `revokedSerials` (any accepted serial form), DER as CAs publish it. */
export function createCrlDer(ca: Ca, revokedSerials: string[], opts: CrlOptions = {}): Buffer {
  const caParts = certificateParts(ca.der);
  const now = Date.now();
  return buildCrl({
    issuer: caParts.subject,
    issuerKey: keyFromPem(ca.keyPem),
    authorityKeyId: keyIdentifier(caParts.spki),
    serials: revokedSerials.map((s) => normaliseSerial(s)),
    thisUpdate: opts.thisUpdate ?? new Date(now - 3_600_000),
    nextUpdate: opts.nextUpdate ?? new Date(now + 365 * DAY),
    crlNumber: opts.crlNumber ?? Math.floor(now / 1000),
  });
}

/** The same CRL as PEM ("X509 CRL"). */
export function createCrl(ca: Ca, revokedSerials: string[], opts: CrlOptions = {}): string {
  return derToPem(createCrlDer(ca, revokedSerials, opts), 'X509 CRL');
}
