// The client-certificate CAs certgate trusts (CERTGATE_CLIENT_CA): loading, choosing one for
// `serial add --issuer`, and finding which one signed a given certificate.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { errors } from '../errors/certgate-error.js';
import { derToPem, loadCertificateFile, pemBlocks, readCertificate, subjectId } from './certificate.js';

export interface TrustedCa {
  /** subjectId: equals the issuerId of every certificate this CA issued. */
  id: string;
  subject: string;
  fingerprint256: string;
  der: Buffer;
  pem: string;
}

export function trustedCaFromDer(der: Buffer): TrustedCa {
  const facts = readCertificate(der);
  return { id: subjectId(der), subject: facts.subject, fingerprint256: facts.fingerprint256, der, pem: derToPem(der) };
}

/** Every certificate in a PEM file (one or more CAs). */
export function loadTrustedCas(pemFile: string): TrustedCa[] {
  let text: string;
  try {
    text = readFileSync(pemFile, 'latin1');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw errors.configInvalid(
      `cannot read the trusted client CA file ${pemFile} (${reason}); set CERTGATE_CLIENT_CA to a PEM file, or run \`npm run certs\` for the dev CA`,
    );
  }
  const ders = pemBlocks(text, ['CERTIFICATE', 'X509 CERTIFICATE']);
  if (ders.length === 0) {
    throw errors.configInvalid(`the trusted client CA file ${pemFile} holds no PEM CERTIFICATE block; CERTGATE_CLIENT_CA must name a PEM file of CA certificates`);
  }
  return ders.map((der) => trustedCaFromDer(der));
}

const FINGERPRINT = /^(?:[0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/;

const describe = (cas: TrustedCa[]): string => cas.map((ca) => `"${ca.subject}" (sha256 ${ca.fingerprint256})`).join(', ');

/** The CA named by `spec` (file or SHA-256 fingerprint); without spec, the only trusted CA. */
export function resolveIssuer(cas: TrustedCa[], spec?: string): TrustedCa {
  if (spec === undefined || spec.trim() === '') {
    if (cas.length === 1) return cas[0]!;
    if (cas.length === 0) throw errors.configInvalid('no trusted client CA is configured (CERTGATE_CLIENT_CA)');
    throw errors.usage(`several client CAs are trusted; choose one with --issuer <CA file or SHA-256 fingerprint>: ${describe(cas)}`);
  }
  const text = spec.trim();
  if (FINGERPRINT.test(text) && !existsSync(text)) {
    const wanted = text.replace(/:/g, '').toLowerCase();
    const ca = cas.find((c) => c.fingerprint256 === wanted);
    if (!ca) throw errors.usage(`no trusted client CA has SHA-256 fingerprint ${wanted}; trusted: ${describe(cas)}`);
    return ca;
  }
  if (!existsSync(text)) {
    throw errors.usage(`--issuer "${text}" is neither a CA certificate file nor a SHA-256 fingerprint; trusted: ${describe(cas)}`);
  }
  const { leaf } = loadCertificateFile(readFileSync(text));
  const fingerprint = readCertificate(leaf).fingerprint256;
  const ca = cas.find((c) => c.fingerprint256 === fingerprint);
  if (!ca) {
    throw errors.certUntrustedIssuer(`the CA in ${text} is not one of the trusted client CAs (CERTGATE_CLIENT_CA); trusted: ${describe(cas)}`);
  }
  return ca;
}

const x509Cache = new WeakMap<TrustedCa, X509Certificate>();
const x509Of = (ca: TrustedCa): X509Certificate => {
  let x = x509Cache.get(ca);
  if (!x) {
    x = new X509Certificate(ca.der);
    x509Cache.set(ca, x);
  }
  return x;
};

/** The trusted CA whose signature is on `certDer`, or undefined (names alone are not enough). */
export function findIssuingCa(cas: TrustedCa[], certDer: Buffer): TrustedCa | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certDer);
  } catch {
    return undefined;
  }
  for (const ca of cas) {
    const caCert = x509Of(ca);
    try {
      if (cert.checkIssued(caCert) && cert.verify(caCert.publicKey)) return ca;
    } catch {
      // An unsupported key or signature algorithm simply means "not this CA".
    }
  }
  return undefined;
}
