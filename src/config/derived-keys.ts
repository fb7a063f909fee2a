// One key per purpose, derived from CERTGATE_SECRET with HKDF-SHA256: the portal can be given the
// assertion key alone (CERTGATE_ASSERTION_KEY) without learning what signs cookies or CSRF tokens.
import { hkdfSync } from 'node:crypto';

export interface DerivedKeys {
  /** Session cookie MAC. */
  cookie: Buffer;
  /** CSRF token MAC. */
  csrf: Buffer;
  /** X-Certgate-Assertion v2 MAC (README "Security"). */
  assertion: Buffer;
}

/** HKDF info strings: changing one invalidates every value signed for that purpose. */
export const KEY_INFO = {
  cookie: 'certgate session cookie v1',
  csrf: 'certgate csrf token v1',
  assertion: 'certgate upstream assertion v2',
} as const;

const derive = (secret: Buffer, info: string): Buffer => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));

export function deriveKeys(secret: Buffer): DerivedKeys {
  return { cookie: derive(secret, KEY_INFO.cookie), csrf: derive(secret, KEY_INFO.csrf), assertion: derive(secret, KEY_INFO.assertion) };
}

/** CERTGATE_ASSERTION_KEY as printed by `certgate assertion-key`: base64url of 32 bytes. */
export const encodeAssertionKey = (key: Buffer): string => key.toString('base64url');

/** The key bytes from CERTGATE_ASSERTION_KEY (base64url or base64), or undefined when it is not 32+ bytes. */
export function decodeAssertionKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64url');
  return key.length >= 32 ? key : undefined;
}
