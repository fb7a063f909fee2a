// Minting the CSRF token a page embeds: an HMAC of the session id, or before login of a random
// `__Host-` cookie. src/auth/csrf.ts checks it on POST; every page frame needs it, hence the kernel.
import { createHmac, randomBytes } from 'node:crypto';
import { setCookieHeader } from './cookies.js';
import type { GatewayDeps } from './deps.js';
import type { GatewayContext } from './state.js';

export const CSRF_COOKIE = '__Host-certgate-csrf';
export const PRE_SESSION = /^[A-Za-z0-9_-]{32}$/;

/** Pre-session binding chosen during this request (the cookie is only sent back with the response). */
const issued = new WeakMap<GatewayContext, string>();

export const csrfTokenOf = (secret: Buffer, binding: string): string =>
  createHmac('sha256', secret).update(`certgate-csrf\n${binding}`).digest('base64url');

export function csrfTokenFor(ctx: GatewayContext, deps: GatewayDeps): string {
  const sid = ctx.state.session?.sid;
  if (sid) return csrfTokenOf(deps.config.keys.csrf, `s:${sid}`);
  let pre = issued.get(ctx) ?? ctx.cookies.get(CSRF_COOKIE);
  if (!pre || !PRE_SESSION.test(pre)) {
    pre = randomBytes(24).toString('base64url');
    ctx.append('Set-Cookie', setCookieHeader(CSRF_COOKIE, pre));
  }
  issued.set(ctx, pre);
  return csrfTokenOf(deps.config.keys.csrf, `p:${pre}`);
}
