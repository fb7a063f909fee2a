// Dev/test PKI for revocation: an intermediate CA under a root, and a delegated OCSP responder
// certificate (id-kp-OCSPSigning) as CAs run them.
import { certificateParts, derToPem, subjectId } from './certificate.js';
import { type Ca, type Issued, issue } from './pki.js';
import { type KeyType, buildCertificate, buildName, generateKey, keyFromPem, keyIdentifier, keyToPem, randomSerial } from './x509-builder.js';

const DAY = 86_400_000;

/** A CA certificate signed by `parent` (an intermediate), optionally naming the parent's CRL. */
export function createIntermediateCa(parent: Ca, opts: { commonName: string; organization?: string; keyType?: KeyType; crlUrls?: string[] }): Ca {
  const key = generateKey(opts.keyType ?? 'rsa');
  const parentParts = certificateParts(parent.der);
  const now = Date.now();
  const der = buildCertificate({
    serial: randomSerial(),
    subject: buildName({ commonName: opts.commonName, organization: opts.organization ?? 'certgate development' }),
    issuer: parentParts.subject,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 1825 * DAY),
    subjectKey: key,
    issuerKey: keyFromPem(parent.keyPem),
    authorityKeyId: keyIdentifier(parentParts.spki),
    kind: 'ca',
    ...(opts.crlUrls ? { crlUrls: opts.crlUrls } : {}),
  });
  return { certPem: derToPem(der), keyPem: keyToPem(key), der, id: subjectId(der) };
}

/** A delegated OCSP signing certificate issued by `ca` (what `openssl ocsp -rsigner` uses). */
export function issueOcspResponder(ca: Ca, opts: { commonName?: string; keyType?: KeyType } = {}): Issued {
  const now = Date.now();
  return issue(ca, {
    kind: 'ocsp',
    commonName: opts.commonName ?? 'certgate dev OCSP responder',
    key: generateKey(opts.keyType ?? 'rsa'),
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 365 * DAY),
    serial: randomSerial(),
  });
}
