// Request path step 3: a live session bound to this certificate, still the user's current one, with
// no password change pending — else the page the manual names (timeout, multiple login) or a redirect.
import { gatewayPages } from '../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import { registryField } from '../store/keys.js';
import { storeCallWithin } from '../store/redis.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';
import { nextParamFor } from '../auth/next-path.js';
import { seeOther } from '../auth/see-other.js';
import { SESSION_COOKIE, clearSessionCookieHeader, decodeSessionCookie } from './cookie.js';
import type { SessionRecord, TouchResult } from './session-store.js';

export const LOGIN_PATH = '/auth/login';
export const PASSWORD_PATH = '/auth/password';

export interface RequireSessionOptions {
  /** The password pages themselves must be reachable while a change is pending. */
  allowMustChange?: boolean;
}

/** The touch result for this request: the one the certificate gate started, or a fresh one. */
function lookup(ctx: GatewayContext, deps: GatewayDeps): Promise<TouchResult> | undefined {
  if (ctx.state.sessionLookup) return ctx.state.sessionLookup.result;
  const cookie = decodeSessionCookie(deps.config.secret, ctx.cookies.get(SESSION_COOKIE));
  const cert = ctx.state.cert;
  if (!cookie || !cert) return undefined;
  // Bounded like the certificate gate's lookups: a Cluster failover answers 503, never hangs.
  return storeCallWithin(2 * deps.config.timeouts.storeMs, () => deps.sessions.touch(cookie.userId, cookie.sid, registryField(cert.issuerId, cert.serial)));
}

function redirectToLogin(ctx: GatewayContext): void {
  const next = ctx.method === 'GET' || ctx.method === 'HEAD' ? nextParamFor(ctx.originalUrl) : undefined;
  seeOther(ctx, next ? `${LOGIN_PATH}?next=${encodeURIComponent(next)}` : LOGIN_PATH);
}

/**
 * Resolves the session; on success sets ctx.state.session and returns it, otherwise answers the
 * request itself (redirect or error page) and returns undefined.
 */
export async function resolveSession(ctx: GatewayContext, deps: GatewayDeps, options: RequireSessionOptions = {}): Promise<SessionRecord | undefined> {
  const pending = lookup(ctx, deps);
  if (!pending) {
    if (ctx.cookies.get(SESSION_COOKIE)) ctx.append('Set-Cookie', clearSessionCookieHeader());
    ctx.state.outcome = 'session-missing';
    redirectToLogin(ctx);
    return undefined;
  }
  // A store failure propagates: the error page says "system error", never "logged in".
  const result = await pending;
  if (result.status === 'ok') {
    ctx.state.session = result.session;
    if (result.session.mustChange && !options.allowMustChange) {
      ctx.state.outcome = 'session-must-change';
      seeOther(ctx, PASSWORD_PATH);
      return undefined;
    }
    return result.session;
  }
  ctx.append('Set-Cookie', clearSessionCookieHeader());
  ctx.state.outcome = `session-${result.status}`;
  if (result.status === 'replaced') {
    sendPage(ctx, 401, gatewayPages.multipleLogin(pageFrame(ctx, deps), { reason: 'replaced' }));
  } else {
    const reason = result.status === 'cert-mismatch' ? 'cert-changed' : result.status === 'gone' ? 'ended' : result.status;
    sendPage(ctx, 401, gatewayPages.sessionTimeout(pageFrame(ctx, deps), { reason }));
  }
  return undefined;
}

export function requireSession(deps: GatewayDeps, options: RequireSessionOptions = {}): GatewayMiddleware {
  return async function requireSessionMiddleware(ctx, next) {
    if (await resolveSession(ctx, deps, options)) await next();
  };
}
