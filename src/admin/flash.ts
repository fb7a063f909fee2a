// A one-time message carried across the 303 after "reset password": the new temporary password,
// AES-256-GCM encrypted in a short-lived `__Host-` cookie bound to the admin's session and the
// target user, so it is shown once and never stored in Redis or written to a log.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { clearCookieHeader, setCookieHeader } from '../session/cookie.js';
import type { GatewayContext } from '../gateway/state.js';

export const FLASH_COOKIE = '__Host-certgate-flash';
const MAX_AGE_S = 120;

const keyOf = (secret: Buffer): Buffer => createHmac('sha256', secret).update('certgate-flash-key').digest();

interface Flash {
  sid: string;
  target: string;
  password: string;
  exp: number;
}

export function setFlash(ctx: GatewayContext, secret: Buffer, f: Omit<Flash, 'exp'>, now = Date.now()): void {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify({ ...f, exp: now + MAX_AGE_S * 1000 }), 'utf8'), cipher.final()]);
  const value = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  ctx.append('Set-Cookie', `${setCookieHeader(FLASH_COOKIE, value)}; Max-Age=${MAX_AGE_S}`);
}

/** The temporary password for `target` when the flash belongs to this session; the cookie is cleared either way. */
export function takeFlash(ctx: GatewayContext, secret: Buffer, sid: string, target: string, now = Date.now()): string | undefined {
  const raw = ctx.cookies.get(FLASH_COOKIE);
  if (!raw) return undefined;
  ctx.append('Set-Cookie', clearCookieHeader(FLASH_COOKIE));
  try {
    const data = Buffer.from(raw, 'base64url');
    if (data.length < 29 || data.length > 1024) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    const f = JSON.parse(Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8')) as Flash;
    return f.sid === sid && f.target === target && f.exp > now ? f.password : undefined;
  } catch {
    return undefined;
  }
}
