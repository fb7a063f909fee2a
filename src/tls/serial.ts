// Certificate serial numbers in every form browsers, Windows and OpenSSL print them, reduced to one
// canonical key (upper-case hex, whole bytes, no redundant leading zero bytes) for the registry.
import { errors } from '../errors/certgate-error.js';

/** RFC 5280 allows 20 octets; real-world CAs overshoot a little, so allow generous headroom. */
const MAX_BYTES = 40;

// Invisible marks that Windows' certificate dialog and rich-text copy/paste put around the digits.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060\ufeff]/g;
const SEPARATORS = /[\s:\-.]+/;

/** Canonical form of a serial: "0a 1b 2c", "0A:1B:2C", "0x0a1b2c", "00 0a 1b 2c" → "0A1B2C". */
export function normaliseSerial(input: string): string {
  // NFKC folds full-width digits, letters, colons and the ideographic space to ASCII (Japanese IMEs).
  const text = input.normalize('NFKC').replace(INVISIBLE, '').trim();
  let body = text.replace(/^0x/i, '');
  if (body === '' || !/^[0-9a-fA-F]+(?:[\s:\-.]+[0-9a-fA-F]+)*$/.test(body)) throw errors.serialInvalid(input);
  const groups = body.split(SEPARATORS);
  // "a:1b:2c" (a byte printed without its leading zero) means 0a 1b 2c, not a1 b2 c.
  body = groups.length > 1 && groups.every((g) => g.length <= 2) ? groups.map((g) => g.padStart(2, '0')).join('') : groups.join('');
  if (body.length % 2 === 1) body = `0${body}`;
  body = body.toUpperCase().replace(/^(?:00)+/, '');
  if (body === '') body = '00';
  if (body.length / 2 > MAX_BYTES) throw errors.serialInvalid(input);
  return body;
}

/** True when `input` is accepted by normaliseSerial. */
export function isSerial(input: string): boolean {
  try {
    normaliseSerial(input);
    return true;
  } catch {
    return false;
  }
}

/** The form Windows shows in the certificate dialog: lower-case bytes separated by spaces. */
export function displaySerial(normalised: string): string {
  const hex = normalised.length % 2 === 1 ? `0${normalised}` : normalised;
  return (hex.toLowerCase().match(/../g) ?? []).join(' ');
}

/** Serial from the content bytes of a DER INTEGER (the sign byte of a positive value is dropped). */
export function serialFromIntegerBytes(bytes: Buffer): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const hex = bytes.subarray(start).toString('hex').toUpperCase();
  return hex === '' ? '00' : hex;
}

/** DER INTEGER content bytes for a normalised serial (a 00 sign byte when the high bit is set). */
export function serialToIntegerBytes(normalised: string): Buffer {
  const bytes = Buffer.from(normalised, 'hex');
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}
