// Certificate revocation lists (CERTGATE_CRL): parsed with forge.asn1, accepted only when a trusted
// CA's signature verifies, then answered from a Set in O(1) per request.
import { X509Certificate, verify } from 'node:crypto';
import { errors } from '../errors/certgate-error.js';
import { type Asn1, Class, SIGNATURE_DIGEST, Type, bytesOf, child, children, derElements, isUniversal, nameText, oidOf, parseDer, timeOf, toDer } from './asn1.js';
import { nameId, pemBlocks } from './certificate.js';
import { serialFromIntegerBytes } from './serial.js';
import type { TrustedCa } from './trusted-cas.js';

export interface RevocationList {
  isRevoked(issuerId: string, serial: string): boolean;
  readonly size: number;
}

export interface ParsedCrl {
  issuerId: string;
  issuer: string;
  /** Normalised serials. */
  serials: string[];
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  /** cRLNumber extension (RFC 5280 5.2.3): a newer CRL of the same CA has a higher number. */
  crlNumber: bigint | undefined;
  signatureOid: string;
  signature: Buffer;
  tbsDer: Buffer;
}

const CRL_NUMBER_OID = '2.5.29.20';

/** cRLNumber from the [0] crlExtensions of a TBSCertList, if present. */
function crlNumberOf(items: Asn1[]): bigint | undefined {
  const exts = items.find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 0);
  if (!exts) return undefined;
  for (const ext of children(child(exts, 0, 'crlExtensions'))) {
    if (oidOf(child(ext, 0, 'extnID')) !== CRL_NUMBER_OID) continue;
    const value = parseDer(bytesOf(children(ext)[children(ext).length - 1]!));
    const bytes = bytesOf(value);
    return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
  }
  return undefined;
}

/** Structure of one DER CRL, signature not yet checked. */
export function parseCrl(der: Buffer): ParsedCrl {
  try {
    const root = parseDer(der);
    const tbs = child(root, 0, 'tbsCertList');
    const items = children(tbs);
    let i = isUniversal(items[0], Type.INTEGER) ? 1 : 0; // optional version
    i++; // signature AlgorithmIdentifier (repeated outside the TBS)
    const issuer = child(tbs, i++, 'issuer');
    const thisUpdate = timeOf(child(tbs, i++, 'thisUpdate'));
    let nextUpdate: Date | undefined;
    const next = items[i];
    if (next && (isUniversal(next, Type.UTCTIME) || isUniversal(next, Type.GENERALIZEDTIME))) {
      nextUpdate = timeOf(next);
      i++;
    }
    const revoked = items[i];
    const serials =
      revoked && isUniversal(revoked, Type.SEQUENCE)
        ? children(revoked).map((entry) => serialFromIntegerBytes(bytesOf(child(entry, 0, 'userCertificate'))))
        : [];
    return {
      issuerId: nameId(toDer(issuer)),
      issuer: nameText(issuer),
      serials,
      thisUpdate,
      nextUpdate,
      crlNumber: crlNumberOf(items),
      signatureOid: oidOf(child(child(root, 1, 'signatureAlgorithm'), 0, 'algorithm')),
      // BIT STRING content: one "unused bits" byte, then the signature bytes.
      signature: bytesOf(child(root, 2, 'signatureValue')).subarray(1),
      // The exact signed bytes, not a re-encoding.
      tbsDer: derElements(der)[0]!,
    };
  } catch (err) {
    throw errors.configInvalid(`the CRL is not a valid X.509 CRL (${(err as Error).message}); CERTGATE_CRL must name a PEM file of "X509 CRL" blocks`);
  }
}

/** The trusted CA whose signature is on the CRL, or undefined. */
export function crlSigner(crl: ParsedCrl, cas: TrustedCa[]): TrustedCa | undefined {
  const digest = SIGNATURE_DIGEST[crl.signatureOid];
  if (digest === undefined) return undefined;
  return cas
    .filter((ca) => ca.id === crl.issuerId)
    .find((ca) => {
      try {
        return verify(digest, crl.tbsDer, new X509Certificate(ca.der).publicKey, crl.signature);
      } catch {
        return false;
      }
    });
}

/** One or more "X509 CRL" PEM blocks (or one DER CRL), each verified against the trusted CAs. */
export function loadCrl(pem: string | Buffer, cas: TrustedCa[]): RevocationList {
  const text = typeof pem === 'string' ? pem : pem.toString('latin1');
  const ders = text.includes('-----BEGIN ') ? pemBlocks(text, ['X509 CRL']) : typeof pem === 'string' ? [] : [pem];
  if (ders.length === 0) throw errors.configInvalid('the CRL file holds no "X509 CRL" PEM block; CERTGATE_CRL must name a PEM CRL file');
  const revoked = new Set<string>();
  for (const der of ders) {
    const crl = parseCrl(der);
    if (!crlSigner(crl, cas)) {
      throw errors.certUntrustedIssuer(
        `the CRL issued by "${crl.issuer}" is not signed by any trusted client CA (CERTGATE_CLIENT_CA); use the CRL published by the CA that issues the client certificates`,
      );
    }
    for (const serial of crl.serials) revoked.add(`${crl.issuerId}:${serial}`);
  }
  return {
    isRevoked: (issuerId: string, serial: string) => revoked.has(`${issuerId}:${serial}`),
    get size() {
      return revoked.size;
    },
  };
}

/** A CRL whose signature a trusted CA verified. */
export interface VerifiedCrl extends ParsedCrl {
  der: Buffer;
  signer: TrustedCa;
}

/** The DER CRLs in a file or HTTP body: PEM "X509 CRL" blocks, or one DER CRL as CAs publish them. */
export function crlDers(data: Buffer): Buffer[] {
  const text = data.toString('latin1');
  return text.includes('-----BEGIN ') ? pemBlocks(text, ['X509 CRL']) : data.length > 0 ? [data] : [];
}

/** Parse and verify one DER CRL; throws CONFIG_INVALID / CERT_UNTRUSTED_ISSUER naming the problem. */
export function verifyCrl(der: Buffer, cas: TrustedCa[]): VerifiedCrl {
  const crl = parseCrl(der);
  const signer = crlSigner(crl, cas);
  if (!signer) {
    throw errors.certUntrustedIssuer(`the CRL issued by "${crl.issuer}" is not signed by any trusted client CA (CERTGATE_CLIENT_CA)`);
  }
  return { ...crl, der, signer };
}
