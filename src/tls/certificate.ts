// Reads the facts certgate needs from an X.509 certificate (RSA or ECDSA) and loads certificate
// files as operators have them: PEM, DER or PKCS#12.
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { errors, isCertgateError } from '../errors/certgate-error.js';
import { type Asn1, OID, Type, child, children, isUniversal, nameText, oidOf, parseDer, timeOf, toDer, bytesOf } from './asn1.js';
import { serialFromIntegerBytes } from './serial.js';

export interface CertificateFacts {
  /** Normalised serial (see serial.ts). */
  serial: string;
  /** nameId of the issuer Name: equals the issuing CA's subjectId. */
  issuerId: string;
  issuer: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 over the DER, lower-case hex without colons. */
  fingerprint256: string;
  keyType: 'RSA' | 'EC' | 'other';
}

export interface CertificateParts {
  tbs: Asn1;
  serialBytes: Buffer;
  issuer: Asn1;
  subject: Asn1;
  spki: Asn1;
}

/** The TBSCertificate pieces, or a thrown Error (callers turn it into CERT_INVALID). */
export function certificateParts(der: Buffer): CertificateParts {
  const root = parseDer(der);
  const tbs = child(root, 0, 'tbsCertificate');
  // version is [0] EXPLICIT and optional: every later field shifts by one when it is present.
  const first = child(tbs, 0, 'serialNumber');
  const off = first.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const serial = child(tbs, off, 'serialNumber');
  if (!isUniversal(serial, Type.INTEGER)) throw new Error('malformed certificate: serialNumber is not an INTEGER');
  const issuer = child(tbs, off + 2, 'issuer');
  const subject = child(tbs, off + 4, 'subject');
  const spki = child(tbs, off + 5, 'subjectPublicKeyInfo');
  if (!isUniversal(issuer, Type.SEQUENCE) || !isUniversal(subject, Type.SEQUENCE) || !isUniversal(spki, Type.SEQUENCE)) {
    throw new Error('malformed certificate: unexpected TBSCertificate layout');
  }
  return { tbs, serialBytes: bytesOf(serial), issuer, subject, spki };
}

/** Stable id of a distinguished name: first 12 bytes of SHA-256 over its DER, lower-case hex. */
export function nameId(nameDer: Buffer): string {
  return createHash('sha256').update(nameDer).digest().subarray(0, 12).toString('hex');
}

/** nameId of a certificate's subject: what certificates it issued carry as issuerId. */
export function subjectId(certDer: Buffer): string {
  try {
    return nameId(toDer(certificateParts(certDer).subject));
  } catch (err) {
    throw errors.certInvalid('not an X.509 certificate (DER could not be parsed)', err);
  }
}

export function readCertificate(der: Buffer): CertificateFacts {
  try {
    const parts = certificateParts(der);
    const validity = child(parts.tbs, children(parts.tbs).indexOf(parts.issuer) + 1, 'validity');
    const algorithm = oidOf(child(child(parts.spki, 0, 'algorithm'), 0, 'algorithm OID'));
    return {
      serial: serialFromIntegerBytes(parts.serialBytes),
      issuerId: nameId(toDer(parts.issuer)),
      issuer: nameText(parts.issuer),
      subject: nameText(parts.subject),
      notBefore: timeOf(child(validity, 0, 'notBefore')),
      notAfter: timeOf(child(validity, 1, 'notAfter')),
      fingerprint256: createHash('sha256').update(der).digest('hex'),
      keyType: algorithm === OID.rsaEncryption ? 'RSA' : algorithm === OID.ecPublicKey ? 'EC' : 'other',
    };
  } catch (err) {
    throw errors.certInvalid('not an X.509 certificate (DER could not be parsed)', err);
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block with one of `labels`, decoded to DER, in file order. */
export function pemBlocks(text: string, labels: string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (labels.includes(m[1]!)) out.push(Buffer.from(m[2]!.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
  }
  return out;
}

export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const CERT_LABELS = ['CERTIFICATE', 'X509 CERTIFICATE'];

/** A certificate file as operators have it: PEM (leaf first), DER, or PKCS#12 (with password). */
export function loadCertificateFile(data: Buffer, password?: string): { leaf: Buffer; chain: Buffer[] } {
  const text = data.toString('latin1');
  if (text.includes('-----BEGIN ')) {
    const certs = pemBlocks(text, CERT_LABELS);
    if (certs.length === 0) throw errors.certInvalid('the PEM file holds no CERTIFICATE block (is it a key or a CSR?)');
    for (const c of certs) readCertificate(c);
    return { leaf: certs[0]!, chain: certs.slice(1) };
  }
  let root: Asn1;
  try {
    root = parseDer(data);
  } catch (err) {
    throw errors.certInvalid('the file is neither a PEM, DER nor PKCS#12 (.p12/.pfx) certificate', err);
  }
  const first = children(root)[0];
  const second = children(root)[1];
  if (isUniversal(first, Type.INTEGER) && isUniversal(second, Type.SEQUENCE) && isUniversal(children(second!)[0], Type.OID)) {
    return readPkcs12(data, password);
  }
  readCertificate(data);
  return { leaf: data, chain: [] };
}

function readPkcs12(data: Buffer, password: string | undefined): { leaf: Buffer; chain: Buffer[] } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(data.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/password|MAC|decrypt/i.test(message)) {
      throw errors.certInvalid(
        password === undefined
          ? 'the PKCS#12 file is password-protected; give its password with --password, CERTGATE_P12_PASSWORD or --password-stdin'
          : 'wrong password for the PKCS#12 file; check the password the certificate was issued with',
        err,
      );
    }
    throw errors.certInvalid(`the PKCS#12 file could not be read (${message})`, err);
  }
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const certs = certBags.map((bag) => {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: Asn1 }).asn1;
    const der = asn1 ? toDer(asn1) : undefined;
    const keyId = bag.attributes?.localKeyId?.[0] as string | undefined;
    return { der, keyId };
  });
  const usable = certs.filter((c): c is { der: Buffer; keyId: string | undefined } => c.der !== undefined);
  if (usable.length === 0) throw errors.certInvalid('the PKCS#12 file holds no certificate');
  try {
    for (const c of usable) readCertificate(c.der);
  } catch (err) {
    throw isCertgateError(err) ? errors.certInvalid(`the PKCS#12 file holds an unreadable certificate`, err) : err;
  }
  const keyBags = [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!].flatMap(
    (type) => p12.getBags({ bagType: type })[type] ?? [],
  );
  const keyIds = new Set(keyBags.map((b) => b.attributes?.localKeyId?.[0] as string | undefined).filter(Boolean));
  // The leaf is the certificate paired with the private key; failing that, the one that issued nothing else.
  let leaf = usable.find((c) => c.keyId !== undefined && keyIds.has(c.keyId));
  if (!leaf) {
    const issuers = new Set(usable.map((c) => readCertificate(c.der).issuerId));
    leaf = usable.find((c) => !issuers.has(subjectId(c.der)) || readCertificate(c.der).issuerId === subjectId(c.der)) ?? usable[0]!;
  }
  return { leaf: leaf.der, chain: usable.filter((c) => c !== leaf).map((c) => c.der) };
}
