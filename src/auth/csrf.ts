// CSRF protection for /auth forms: a token that is an HMAC of the session id (or, before login, of a
// random `__Host-` cookie), plus a same-origin check on Origin / Sec-Fetch-Site.
import { timingSafeEqual } from 'node:crypto';
import { errors } from '../errors/certgate-error.js';
import type { GatewayDeps } from '../kernel/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../kernel/state.js';
import { SESSION_COOKIE, decodeSessionCookie } from '../session/cookie.js';
import { CSRF_COOKIE, PRE_SESSION, csrfTokenFor, csrfTokenOf as tokenOf } from '../kernel/csrf-token.js';
import { readForm } from './form-body.js';

export { CSRF_COOKIE, csrfTokenFor };
export const CSRF_FIELD = '_csrf';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Requests whose token was checked, so a handler can insist the check ran. */
const verified = new WeakSet<GatewayContext>();

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

/**
 * The route table runs the CSRF step before every form handler; a handler calls this to insist it did
 * (a route added without the step fails loudly instead of accepting a forged form).
 */
export function csrfChecked(ctx: GatewayContext): void {
  if (!verified.has(ctx)) throw errors.internal('form handler reached without the CSRF step');
}

export function verifyCsrf(deps: GatewayDeps): GatewayMiddleware {
  return async function verifyCsrfMiddleware(ctx, next) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && ctx.method !== 'OPTIONS') await checkCsrf(ctx, deps);
    await next();
  };
}
