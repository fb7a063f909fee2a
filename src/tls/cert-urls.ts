// Where a certificate says its revocation data lives: CRL distribution points (RFC 5280 4.2.1.13)
// and OCSP responders in Authority Information Access (4.2.2.1). Only http(s) URIs are returned.
import { Class, type Asn1, bytesOf, child, children, oidOf, parseDer } from './asn1.js';
import { certificateParts } from './certificate.js';

const CDP_OID = '2.5.29.31';
const AIA_OID = '1.3.6.1.5.5.7.1.1';
const OCSP_METHOD = '1.3.6.1.5.5.7.48.1';

export interface CertUrls {
  crl: string[];
  ocsp: string[];
}

const isHttp = (u: string): boolean => /^https?:\/\//i.test(u);

/** The extnValue of each extension of a certificate, by OID. */
function extensions(der: Buffer): Map<string, Asn1> {
  const out = new Map<string, Asn1>();
  const { tbs } = certificateParts(der);
  const wrapper = children(tbs).find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 3);
  if (!wrapper) return out;
  for (const ext of children(child(wrapper, 0, 'extensions'))) {
    const parts = children(ext);
    out.set(oidOf(child(ext, 0, 'extnID')), parseDer(bytesOf(parts[parts.length - 1]!)));
  }
  return out;
}

/** URIs ([6] IA5String) in a GeneralNames sequence. */
const uris = (names: Asn1[]): string[] =>
  names.filter((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 6).map((n) => bytesOf(n).toString('latin1'));

export function certUrls(der: Buffer): CertUrls {
  const out: CertUrls = { crl: [], ocsp: [] };
  let exts: Map<string, Asn1>;
  try {
    exts = extensions(der);
  } catch {
    return out; // an unreadable extension block simply names no URL
  }
  const cdp = exts.get(CDP_OID);
  for (const point of cdp ? children(cdp) : []) {
    const name = children(point).find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 0);
    const full = name ? children(name).find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 0) : undefined;
    if (full) out.crl.push(...uris(children(full)).filter(isHttp));
  }
  const aia = exts.get(AIA_OID);
  for (const access of aia ? children(aia) : []) {
    if (oidOf(child(access, 0, 'accessMethod')) === OCSP_METHOD) out.ocsp.push(...uris([child(access, 1, 'accessLocation')]).filter(isHttp));
  }
  return out;
}
