// Small typed helpers over node-forge's ASN.1 reader/writer, shared by certificate, CRL and dev-PKI code.
import forge from 'node-forge';

export type Asn1 = forge.asn1.Asn1;
export const { Class, Type } = forge.asn1;

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
} as const;

/** Signature algorithms we can verify, by OID → node:crypto digest name. */
export const SIGNATURE_DIGEST: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

const NAME_LABELS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

/** Parse DER strictly, without guessing at BIT STRING contents (signatures are not ASN.1). */
export function parseDer(der: Buffer): Asn1 {
  const options = { strict: true, parseAllBytes: true, decodeBitStrings: false };
  // @types/node-forge only declares the boolean form of the options argument.
  return forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')), options as unknown as boolean);
}

export const toDer = (node: Asn1): Buffer => Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
export const bytesOf = (node: Asn1): Buffer => Buffer.from(typeof node.value === 'string' ? node.value : '', 'binary');

/** The i-th child of a constructed node, or a thrown error naming what was expected. */
export function child(node: Asn1 | undefined, index: number, what: string): Asn1 {
  const c = node && Array.isArray(node.value) ? node.value[index] : undefined;
  if (!c) throw new Error(`malformed ASN.1: missing ${what}`);
  return c;
}

export const children = (node: Asn1): Asn1[] => (Array.isArray(node.value) ? node.value : []);

export function isUniversal(node: Asn1 | undefined, type: number): boolean {
  return node !== undefined && node.tagClass === Class.UNIVERSAL && node.type === type;
}

export const oidOf = (node: Asn1): string => forge.asn1.derToOid(typeof node.value === 'string' ? node.value : '');

export function timeOf(node: Asn1): Date {
  const text = typeof node.value === 'string' ? node.value : '';
  if (node.type === Type.UTCTIME) return forge.asn1.utcTimeToDate(text);
  if (node.type === Type.GENERALIZEDTIME) return forge.asn1.generalizedTimeToDate(text);
  throw new Error('malformed ASN.1: expected a time');
}

function stringValue(node: Asn1): string {
  const raw = bytesOf(node);
  switch (node.type as number) {
    case 12: // UTF8String
      return raw.toString('utf8');
    case 30: // BMPString: UTF-16BE
      return Buffer.from(raw).swap16().toString('utf16le');
    case 28: {
      // UniversalString: UTF-32BE
      let s = '';
      for (let i = 0; i + 3 < raw.length; i += 4) s += String.fromCodePoint(raw.readUInt32BE(i));
      return s;
    }
    default: // PrintableString, IA5String, TeletexString: treat as Latin-1
      return raw.toString('latin1');
  }
}

/** RFC 4514-style text of a Name, most specific first: "CN=Demo, O=Example, C=JP". */
export function nameText(name: Asn1): string {
  const parts: string[] = [];
  for (const rdn of children(name)) {
    const atoms = children(rdn).map((atv) => {
      const oid = oidOf(child(atv, 0, 'attribute type'));
      const value = stringValue(child(atv, 1, 'attribute value')).replace(/([,+"\\<>;])/g, '\\$1');
      return `${NAME_LABELS[oid] ?? oid}=${value}`;
    });
    parts.push(atoms.join('+'));
  }
  return parts.reverse().join(', ');
}

/** The first value of one attribute (e.g. CN) in a Name, or undefined. */
export function nameAttribute(name: Asn1, oid: string): string | undefined {
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      if (oidOf(child(atv, 0, 'attribute type')) === oid) return stringValue(child(atv, 1, 'attribute value'));
    }
  }
  return undefined;
}

/** Split the body of a DER SEQUENCE into its raw element slices (exact bytes, for signatures). */
export function derElements(der: Buffer): Buffer[] {
  const header = derHeader(der, 0);
  const out: Buffer[] = [];
  let pos = header.contentStart;
  while (pos < header.end) {
    const h = derHeader(der, pos);
    out.push(der.subarray(pos, h.end));
    pos = h.end;
  }
  return out;
}

/** The element at `pos`: its tag byte, where its content starts and where it ends (single-byte tags only). */
export function derHeader(der: Buffer, pos: number): { tag: number; contentStart: number; end: number } {
  if (pos + 2 > der.length) throw new Error('malformed DER: truncated');
  if ((der[pos]! & 0x1f) === 0x1f) throw new Error('malformed DER: multi-byte tag');
  let len = der[pos + 1]!;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > der.length) throw new Error('malformed DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!;
    start += n;
  }
  if (start + len > der.length) throw new Error('malformed DER: truncated');
  return { tag: der[pos]!, contentStart: start, end: start + len };
}
