// OCSP (RFC 6960) on the wire: builds a request for one certificate and reads a response with
// forge.asn1, accepting it only when the issuing CA or a responder it delegated (id-kp-OCSPSigning)
// signed it and it answers for exactly that certificate.
import { X509Certificate, createHash, randomBytes, verify } from 'node:crypto';
import forge from 'node-forge';
import { type Asn1, Class, SIGNATURE_DIGEST, Type, bytesOf, child, children, derElements, isUniversal, oidOf, parseDer, timeOf, toDer } from './asn1.js';
import { certificateParts } from './certificate.js';
import { serialFromIntegerBytes } from './serial.js';
import type { TrustedCa } from './trusted-cas.js';
import { keyIdentifier } from './x509-builder.js';

const { asn1 } = forge;
const SHA1 = '1.3.14.3.2.26';
const BASIC = '1.3.6.1.5.5.7.48.1.1';
const NONCE = '1.3.6.1.5.5.7.48.1.2';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** Clock difference tolerated between the responder and this host. */
const SKEW_MS = 5 * 60_000;

const bin = (b: Buffer): string => b.toString('binary');
const seq = (v: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, v);
const octets = (b: Buffer): Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bin(b));
const oid = (o: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(o).getBytes());

export interface OcspRequest {
  der: Buffer;
  nonce: Buffer;
  /** issuerNameHash + issuerKeyHash + serial: what the matching SingleResponse must carry. */
  certId: { nameHash: string; keyHash: string; serial: string };
}

export type OcspStatus = 'good' | 'revoked' | 'unknown';

export interface OcspAnswer {
  status: OcspStatus;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  revokedAt?: Date;
}

/** An OCSP request (SHA-1 CertID, as every responder supports, plus a nonce) for `certDer`. */
export function buildOcspRequest(certDer: Buffer, issuer: TrustedCa): OcspRequest {
  const leaf = certificateParts(certDer);
  const ca = certificateParts(issuer.der);
  const nameHash = createHash('sha1').update(toDer(leaf.issuer)).digest();
  const keyHash = keyIdentifier(ca.spki);
  const nonce = randomBytes(16);
  const certId = seq([
    seq([oid(SHA1), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]),
    octets(nameHash),
    octets(keyHash),
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, bin(leaf.serialBytes)),
  ]);
  const nonceExt = seq([oid(NONCE), octets(toDer(octets(nonce)))]);
  const tbs = seq([seq([seq([certId])]), asn1.create(Class.CONTEXT_SPECIFIC, 2, true, [seq([nonceExt])])]);
  return {
    der: toDer(seq([tbs])),
    nonce,
    certId: { nameHash: nameHash.toString('hex'), keyHash: keyHash.toString('hex'), serial: serialFromIntegerBytes(leaf.serialBytes) },
  };
}

const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(unused)', 'sigRequired', 'unauthorized'];

/** Why a response was not usable; the caller logs it and treats the certificate as "no answer". */
export class OcspError extends Error {
  override name = 'OcspError';
}

/** Read and verify a DER OCSPResponse for `request`; throws OcspError when it cannot be trusted. */
export function readOcspResponse(der: Buffer, request: OcspRequest, issuer: TrustedCa, now: number): OcspAnswer {
  let root: Asn1;
  try {
    root = parseDer(der);
  } catch (err) {
    throw new OcspError(`not an OCSP response (${(err as Error).message})`);
  }
  try {
    const status = bytesOf(child(root, 0, 'responseStatus'))[0] ?? 255;
    if (status !== 0) throw new OcspError(`responder answered ${RESPONSE_STATUS[status] ?? `status ${status}`}`);
    const bytes = child(child(root, 1, 'responseBytes'), 0, 'ResponseBytes');
    if (oidOf(child(bytes, 0, 'responseType')) !== BASIC) throw new OcspError('not a basic OCSP response');
    const basicDer = bytesOf(child(bytes, 1, 'response'));
    return readBasic(basicDer, request, issuer, now);
  } catch (err) {
    if (err instanceof OcspError) throw err;
    throw new OcspError(`malformed OCSP response (${(err as Error).message})`);
  }
}

function readBasic(basicDer: Buffer, request: OcspRequest, issuer: TrustedCa, now: number): OcspAnswer {
  const basic = parseDer(basicDer);
  const tbs = child(basic, 0, 'tbsResponseData');
  const sigOid = oidOf(child(child(basic, 1, 'signatureAlgorithm'), 0, 'algorithm'));
  const signature = bytesOf(child(basic, 2, 'signature')).subarray(1);
  const certsNode = children(basic).find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 0);
  const certs = certsNode ? children(child(certsNode, 0, 'certs')).map((c) => toDer(c)) : [];
  const digest = SIGNATURE_DIGEST[sigOid];
  if (!digest) throw new OcspError(`unsupported signature algorithm ${sigOid}`);
  const signed = derElements(basicDer)[0]!;
  if (!signerKeys(issuer, certs, now).some((key) => safeVerify(digest, signed, key, signature))) {
    throw new OcspError('the response is not signed by the issuing CA or a responder it authorised');
  }

  const items = children(tbs);
  let i = items[0]?.tagClass === Class.CONTEXT_SPECIFIC && items[0].type === 0 ? 1 : 0; // version
  i++; // responderID
  i++; // producedAt
  const responses = child(tbs, i++, 'responses');
  const exts = items[i]?.tagClass === Class.CONTEXT_SPECIFIC && items[i]!.type === 1 ? items[i] : undefined;
  const echoed = exts ? nonceOf(exts) : undefined;
  if (echoed && !echoed.equals(request.nonce)) throw new OcspError('the response carries another request’s nonce');
  const single = children(responses).find((r) => matches(child(r, 0, 'certID'), request));
  if (!single) throw new OcspError('the response does not answer for this certificate');
  const statusNode = child(single, 1, 'certStatus');
  const thisUpdate = timeOf(child(single, 2, 'thisUpdate'));
  // certStatus `good` is also [0]: nextUpdate is looked for after thisUpdate only.
  const nextNode = children(single).slice(3).find((n) => n.tagClass === Class.CONTEXT_SPECIFIC && n.type === 0);
  const nextUpdate = nextNode ? timeOf(child(nextNode, 0, 'nextUpdate')) : undefined;
  if (thisUpdate.getTime() > now + SKEW_MS) throw new OcspError('the response is dated in the future');
  if (nextUpdate && nextUpdate.getTime() < now - SKEW_MS) throw new OcspError('the response is past its nextUpdate');
  const tag = statusNode.tagClass === Class.CONTEXT_SPECIFIC ? statusNode.type : -1;
  if (tag === 0) return { status: 'good', thisUpdate, nextUpdate };
  if (tag === 1) {
    const at = children(statusNode)[0];
    return { status: 'revoked', thisUpdate, nextUpdate, ...(at ? { revokedAt: timeOf(at) } : {}) };
  }
  return { status: 'unknown', thisUpdate, nextUpdate };
}

function matches(certId: Asn1, request: OcspRequest): boolean {
  if (oidOf(child(child(certId, 0, 'hashAlgorithm'), 0, 'algorithm')) !== SHA1) return false;
  return (
    bytesOf(child(certId, 1, 'issuerNameHash')).toString('hex') === request.certId.nameHash &&
    bytesOf(child(certId, 2, 'issuerKeyHash')).toString('hex') === request.certId.keyHash &&
    isUniversal(child(certId, 3, 'serialNumber'), Type.INTEGER) &&
    serialFromIntegerBytes(bytesOf(child(certId, 3, 'serialNumber'))) === request.certId.serial
  );
}

function nonceOf(extsWrapper: Asn1): Buffer | undefined {
  for (const ext of children(child(extsWrapper, 0, 'responseExtensions'))) {
    if (oidOf(child(ext, 0, 'extnID')) !== NONCE) continue;
    const value = bytesOf(children(ext)[children(ext).length - 1]!);
    try {
      return bytesOf(parseDer(value));
    } catch {
      return value; // some responders put the raw nonce without the inner OCTET STRING
    }
  }
  return undefined;
}

/** The issuing CA's key, plus each embedded certificate that CA issued for OCSP signing and that is valid now. */
function signerKeys(issuer: TrustedCa, certs: Buffer[], now: number) {
  const ca = new X509Certificate(issuer.der);
  const keys = [ca.publicKey];
  for (const der of certs) {
    try {
      const cert = new X509Certificate(der);
      const valid = Date.parse(cert.validFrom) <= now + SKEW_MS && now - SKEW_MS <= Date.parse(cert.validTo);
      const delegated = Array.isArray(cert.keyUsage) && cert.keyUsage.includes(OCSP_SIGNING);
      if (valid && delegated && cert.checkIssued(ca) && cert.verify(ca.publicKey)) keys.push(cert.publicKey);
    } catch {
      // An unreadable embedded certificate authorises nothing.
    }
  }
  return keys;
}

function safeVerify(digest: string, data: Buffer, key: X509Certificate['publicKey'], signature: Buffer): boolean {
  try {
    return verify(digest, data, key, signature);
  } catch {
    return false;
  }
}
