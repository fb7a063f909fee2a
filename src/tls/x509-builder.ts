// Builds and signs X.509 certificates and CRLs with forge.asn1 + node:crypto, so RSA and ECDSA
// (P-256) keys work alike for both subjects and issuers. Dev/test PKI only.
import { type KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import forge from 'node-forge';
import { type Asn1, Class, OID, Type, child, parseDer, toDer, bytesOf } from './asn1.js';
import { serialToIntegerBytes } from './serial.js';

export type KeyType = 'rsa' | 'ec';

const { asn1 } = forge;
const bin = (b: Buffer): string => b.toString('binary');
export const seq = (value: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, value);
const set = (value: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SET, true, value);
export const oid = (o: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(o).getBytes());
export const integer = (content: Buffer): Asn1 => asn1.create(Class.UNIVERSAL, Type.INTEGER, false, bin(content));
const octets = (b: Buffer): Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bin(b));
const bitString = (b: Buffer, unused = 0): Asn1 => asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, bin(Buffer.concat([Buffer.from([unused]), b])));
const utf8 = (s: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.UTF8, false, bin(Buffer.from(s, 'utf8')));
export const explicit = (tag: number, node: Asn1): Asn1 => asn1.create(Class.CONTEXT_SPECIFIC, tag, true, [node]);
const TRUE = (): Asn1 => asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\xff');

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
export function time(d: Date): Asn1 {
  return d.getUTCFullYear() < 2050
    ? asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

export function generateKey(keyType: KeyType): KeyObject {
  return keyType === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

export const keyToPem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
export const keyFromPem = (pem: string): KeyObject => createPrivateKey(pem);

export function buildName(attrs: { organization?: string | undefined; commonName: string }): Asn1 {
  const rdn = (type: string, value: string) => set([seq([oid(type), utf8(value)])]);
  return seq([...(attrs.organization ? [rdn(OID.organization, attrs.organization)] : []), rdn(OID.commonName, attrs.commonName)]);
}

/** A random positive serial of 16 bytes whose first byte is non-zero (so it stays 16 bytes). */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex').toUpperCase();
}

function signatureAlgorithm(issuerKey: KeyObject): Asn1 {
  return issuerKey.asymmetricKeyType === 'ec'
    ? seq([oid(OID.ecdsaWithSha256)])
    : seq([oid(OID.sha256WithRsa), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]);
}

/** Sign a TBS structure and wrap it as Certificate / CertificateList: SEQUENCE { tbs, alg, sig }. */
function signed(tbs: Asn1, issuerKey: KeyObject): Buffer {
  const tbsDer = toDer(tbs);
  const signature = sign('sha256', tbsDer, issuerKey);
  return toDer(seq([parseDer(tbsDer), signatureAlgorithm(issuerKey), bitString(signature)]));
}

export const spkiOf = (key: KeyObject): Asn1 => parseDer(createPublicKey(key).export({ type: 'spki', format: 'der' }));

/** RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey bits. */
export const keyIdentifier = (spki: Asn1): Buffer => createHash('sha1').update(bytesOf(child(spki, 1, 'subjectPublicKey')).subarray(1)).digest();

function extension(id: string, critical: boolean, value: Asn1): Asn1 {
  return seq([oid(id), ...(critical ? [TRUE()] : []), octets(toDer(value))]);
}

/** KeyUsage BIT STRING from named bit numbers (0 digitalSignature, 2 keyEncipherment, 5 keyCertSign, 6 cRLSign). */
function keyUsage(bits: number[]): Asn1 {
  let byte = 0;
  for (const b of bits) byte |= 0x80 >> b;
  const last = Math.max(...bits);
  return bitString(Buffer.from([byte]), 7 - last);
}

function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export interface CertSpec {
  serial: string;
  subject: Asn1;
  issuer: Asn1;
  notBefore: Date;
  notAfter: Date;
  subjectKey: KeyObject;
  issuerKey: KeyObject;
  /** Key identifier of the issuer (AKI); omitted for self-signed. */
  authorityKeyId?: Buffer;
  kind: 'ca' | 'server' | 'client' | 'ocsp';
  hosts?: string[];
  /** CRL distribution point URLs (RFC 5280 4.2.1.13). */
  crlUrls?: string[];
  /** OCSP responder URLs in the Authority Information Access extension (RFC 5280 4.2.2.1). */
  ocspUrls?: string[];
}

const uri = (url: string): Asn1 => asn1.create(Class.CONTEXT_SPECIFIC, 6, false, url);

/** CRLDistributionPoints: one DistributionPoint per URL, each a fullName URI. */
function distributionPoints(urls: string[]): Asn1 {
  return seq(urls.map((u) => seq([asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [uri(u)])])])));
}

const EKU: Record<'server' | 'client' | 'ocsp', string> = {
  server: '1.3.6.1.5.5.7.3.1',
  client: '1.3.6.1.5.5.7.3.2',
  ocsp: '1.3.6.1.5.5.7.3.9',
};

export function buildCertificate(spec: CertSpec): Buffer {
  const spki = spkiOf(spec.subjectKey);
  const rsa = spec.subjectKey.asymmetricKeyType === 'rsa';
  const exts: Asn1[] = [];
  if (spec.kind === 'ca') {
    exts.push(extension('2.5.29.19', true, seq([TRUE()])));
    exts.push(extension('2.5.29.15', true, keyUsage([0, 5, 6])));
  } else {
    exts.push(extension('2.5.29.19', true, seq([])));
    exts.push(extension('2.5.29.15', true, keyUsage(rsa ? [0, 2] : [0])));
    exts.push(extension('2.5.29.37', false, seq([oid(EKU[spec.kind])])));
  }
  if (spec.crlUrls && spec.crlUrls.length > 0) exts.push(extension('2.5.29.31', false, distributionPoints(spec.crlUrls)));
  if (spec.ocspUrls && spec.ocspUrls.length > 0) {
    exts.push(extension('1.3.6.1.5.5.7.1.1', false, seq(spec.ocspUrls.map((u) => seq([oid('1.3.6.1.5.5.7.48.1'), uri(u)])))));
  }
  if (spec.hosts && spec.hosts.length > 0) {
    const names = spec.hosts.map((h) =>
      isIPv4(h) || isIPv6(h)
        ? asn1.create(Class.CONTEXT_SPECIFIC, 7, false, bin(ipBytes(h)))
        : asn1.create(Class.CONTEXT_SPECIFIC, 2, false, h),
    );
    exts.push(extension('2.5.29.17', false, seq(names)));
  }
  exts.push(extension('2.5.29.14', false, octets(keyIdentifier(spki))));
  if (spec.authorityKeyId) {
    exts.push(extension('2.5.29.35', false, seq([asn1.create(Class.CONTEXT_SPECIFIC, 0, false, bin(spec.authorityKeyId))])));
  }
  const tbs = seq([
    explicit(0, integer(Buffer.from([2]))),
    integer(serialToIntegerBytes(spec.serial)),
    signatureAlgorithm(spec.issuerKey),
    spec.issuer,
    seq([time(spec.notBefore), time(spec.notAfter)]),
    spec.subject,
    spki,
    explicit(3, seq(exts)),
  ]);
  return signed(tbs, spec.issuerKey);
}

export interface CrlSpec {
  issuer: Asn1;
  issuerKey: KeyObject;
  authorityKeyId: Buffer;
  serials: string[];
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: number | bigint;
}

/** A non-negative INTEGER's DER content bytes (leading zero byte when the top bit is set). */
function unsignedInteger(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const b = Buffer.from(hex, 'hex');
  return b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
}

export function buildCrl(spec: CrlSpec): Buffer {
  const entries = spec.serials.map((s) => seq([integer(serialToIntegerBytes(s)), time(spec.thisUpdate)]));
  const crlExts = seq([
    extension('2.5.29.35', false, seq([asn1.create(Class.CONTEXT_SPECIFIC, 0, false, bin(spec.authorityKeyId))])),
    extension('2.5.29.20', false, integer(unsignedInteger(BigInt(spec.crlNumber)))),
  ]);
  const tbs = seq([
    integer(Buffer.from([1])),
    signatureAlgorithm(spec.issuerKey),
    spec.issuer,
    time(spec.thisUpdate),
    time(spec.nextUpdate),
    ...(entries.length > 0 ? [seq(entries)] : []),
    explicit(0, crlExts),
  ]);
  return signed(tbs, spec.issuerKey);
}
