// Set-Cookie values for the gateway's `__Host-` cookies, written by hand: koa's cookie helper refuses
// `Secure` on a connection it does not recognise as TLS, and these attributes must never be left off.

const ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=Strict';

export const setCookieHeader = (name: string, value: string): string => `${name}=${value}; ${ATTRIBUTES}`;
export const clearCookieHeader = (name: string): string => `${name}=; ${ATTRIBUTES}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;

const patterns = new Map<string, RegExp>();

/**
 * The value of cookie `name` in a Cookie header, read exactly as koa's `ctx.cookies.get` reads it
 * (first match, surrounding quotes dropped), so the proxied path and the koa chain agree.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let pattern = patterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`(?:^|;) *${name.replace(/[-[\]{}()*+?.,\\^$|#\s]/g, '\\$&')}=([^;]*)`);
    patterns.set(name, pattern);
  }
  const value = pattern.exec(header)?.[1];
  if (value === undefined) return undefined;
  return value[0] === '"' ? value.slice(1, -1) : value;
}
