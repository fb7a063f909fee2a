// CSRF protection for /auth forms: a token that is an HMAC of the session id (or, before login, of a
// random `__Host-` cookie), plus a same-origin check on Origin / Sec-Fetch-Site.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors } from '../errors/certgate-error.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';
import { SESSION_COOKIE, decodeSessionCookie, setCookieHeader } from '../session/cookie.js';
import { readForm } from './form-body.js';

export const CSRF_COOKIE = '__Host-certgate-csrf';
export const CSRF_FIELD = '_csrf';
const PRE_SESSION = /^[A-Za-z0-9_-]{32}$/;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Pre-session binding chosen during this request (the cookie is only sent back with the response). */
const issued = new WeakMap<GatewayContext, string>();
/** Requests whose token was checked, so a handler can insist the check ran. */
const verified = new WeakSet<GatewayContext>();

const tokenOf = (secret: Buffer, binding: string): string =>
  createHmac('sha256', secret).update(`certgate-csrf\n${binding}`).digest('base64url');

export function csrfTokenFor(ctx: GatewayContext, deps: GatewayDeps): string {
  const sid = ctx.state.session?.sid;
  if (sid) return tokenOf(deps.config.keys.csrf, `s:${sid}`);
  let pre = issued.get(ctx) ?? ctx.cookies.get(CSRF_COOKIE);
  if (!pre || !PRE_SESSION.test(pre)) {
    pre = randomBytes(24).toString('base64url');
    ctx.append('Set-Cookie', setCookieHeader(CSRF_COOKIE, pre));
  }
  issued.set(ctx, pre);
  return tokenOf(deps.config.keys.csrf, `p:${pre}`);
}

/** The bindings this request can prove: its session (signed cookie) and its pre-session cookie. */
function candidateTokens(ctx: GatewayContext, deps: GatewayDeps): string[] {
  const out: string[] = [];
  const sid = ctx.state.session?.sid ?? decodeSessionCookie(deps.config.keys.cookie, ctx.cookies.get(SESSION_COOKIE))?.sid;
  if (sid) out.push(tokenOf(deps.config.keys.csrf, `s:${sid}`));
  const pre = ctx.cookies.get(CSRF_COOKIE);
  if (pre && PRE_SESSION.test(pre)) out.push(tokenOf(deps.config.keys.csrf, `p:${pre}`));
  return out;
}

function sameOrigin(ctx: GatewayContext): boolean {
  const site = ctx.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = ctx.get('origin');
  if (!origin) return true;
  return origin.toLowerCase() === `https://${ctx.get('host')}`.toLowerCase();
}

/** Throws CSRF_REJECTED unless the request is same-origin and carries a valid token. */
export async function checkCsrf(ctx: GatewayContext, deps: GatewayDeps): Promise<void> {
  if (verified.has(ctx)) return;
  if (!sameOrigin(ctx)) throw errors.csrfRejected();
  const form = await readForm(ctx);
  const given = form[CSRF_FIELD] ?? '';
  if (!TOKEN.test(given)) throw errors.csrfRejected();
  const givenBuf = Buffer.from(given);
  const ok = candidateTokens(ctx, deps).some((t) => timingSafeEqual(Buffer.from(t), givenBuf));
  if (!ok) throw errors.csrfRejected();
  verified.add(ctx);
}

export function verifyCsrf(deps: GatewayDeps): GatewayMiddleware {
  return async function verifyCsrfMiddleware(ctx, next) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && ctx.method !== 'OPTIONS') await checkCsrf(ctx, deps);
    await next();
  };
}
