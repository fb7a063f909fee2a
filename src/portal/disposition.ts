// Content-Disposition for downloads: an ASCII fallback name plus the exact UTF-8 name (RFC 6266 / RFC 8187).
import { extname } from 'node:path';

/** RFC 8187 attr-char: everything else is percent-encoded (encodeURIComponent leaves ' ( ) * ! unencoded). */
const encodeRfc8187 = (value: string): string =>
  encodeURIComponent(value).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A safe ASCII stand-in: letters, digits, dot, dash, underscore; "attachment.<ext>" when nothing is left. */
export function asciiFallback(name: string): string {
  const ext = extname(name).replace(/[^A-Za-z0-9.]/g, '');
  const stem = name.slice(0, name.length - extname(name).length);
  const clean = stem.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|_+$/g, '');
  return `${clean || 'attachment'}${ext}`;
}

export function contentDisposition(name: string): string {
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}
