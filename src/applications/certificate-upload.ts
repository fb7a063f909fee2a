// Reads an uploaded certificate file (.cer/.crt/.pem/.der) for an application: public part only
// (a private key or a PKCS#12 bundle is refused, never parsed further), issued by a trusted CA.
import { isCertgateError } from '../errors/certgate-error.js';
import { loadCertificateFile, readCertificate } from '../tls/certificate.js';
import { findIssuingCa, type TrustedCa } from '../tls/trusted-cas.js';
import type { AppliedCertificate } from './application.js';
import type { ApplicationProblem } from './problems.js';

/** Extensions the upload accepts (the browsers' and CAs' names for a public certificate). */
export const CERTIFICATE_EXTENSIONS = ['.cer', '.crt', '.pem', '.der'] as const;
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export function readUploadedCertificate(
  file: { name: string; data: Buffer },
  cas: TrustedCa[],
): { certificate: AppliedCertificate } | { problem: ApplicationProblem } {
  const item = file.name;
  const lower = file.name.toLowerCase();
  if (/\.(p12|pfx|key)$/.test(lower)) return { problem: { code: 'private-key', item } };
  if (!CERTIFICATE_EXTENSIONS.some((ext) => lower.endsWith(ext))) return { problem: { code: 'file-type', item } };
  const text = file.data.toString('latin1');
  if (PRIVATE_KEY.test(text)) return { problem: { code: 'private-key', item } };
  let leaf: Buffer;
  try {
    const loaded = loadCertificateFile(file.data);
    leaf = loaded.leaf;
  } catch (err) {
    // A PKCS#12 bundle asks for a password: it carries a private key, which has no place here.
    if (isCertgateError(err) && /the PKCS#12 file/.test(err.message)) return { problem: { code: 'private-key', item } };
    return { problem: { code: 'not-a-certificate', item } };
  }
  let facts;
  try {
    facts = readCertificate(leaf);
  } catch {
    return { problem: { code: 'not-a-certificate', item } };
  }
  const ca = findIssuingCa(cas, leaf);
  if (!ca) return { problem: { code: 'untrusted', item } };
  return {
    certificate: {
      issuerId: ca.id,
      serial: facts.serial,
      notBefore: facts.notBefore.getTime(),
      notAfter: facts.notAfter.getTime(),
      subject: facts.subject,
      issuer: facts.issuer,
      origin: 'file',
    },
  };
}
