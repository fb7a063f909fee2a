// Request path step 3: a live session bound to this certificate, still the user's current one, of the
// certificate's current operator, with no password change pending — else the page the manual names
// (timeout, multiple login) or a redirect. Only here, after the gate, is a session refreshed or ended.
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

/** Bounded like the certificate gate's lookups: a Cluster failover answers 503, never hangs. */
const storeDeadline = (deps: GatewayDeps): number => 2 * deps.config.timeouts.storeMs;

interface Lookup {
  userId: string;
  sid: string;
  certField: string;
  now: number;
  /** Read-only verdict (SessionStore.peek): the one the certificate gate started, or a fresh one. */
  peeked: Promise<TouchResult>;
}

function lookup(ctx: GatewayContext, deps: GatewayDeps): Lookup | undefined {
  const cert = ctx.state.cert;
  if (!cert) return undefined;
  const certField = registryField(cert.issuerId, cert.serial);
  const now = ctx.state.now ?? deps.clock();
  const started = ctx.state.sessionLookup;
  if (started) return { userId: started.userId, sid: started.sid, certField, now, peeked: started.result };
  const cookie = decodeSessionCookie(deps.config.keys.cookie, ctx.cookies.get(SESSION_COOKIE));
  if (!cookie) return undefined;
  return { ...cookie, certField, now, peeked: storeCallWithin(storeDeadline(deps), () => deps.sessions.peek(cookie.userId, cookie.sid, certField, now)) };
}

/**
 * The request has passed the gate and maintenance: now it may act on the session. An ending verdict
 * (idle, expired, other certificate) is applied by the touch script, which checks again atomically;
 * a live session is refreshed once lastSeen is older than SessionStore.refreshAfterMs.
 */
async function settle(l: Lookup, peeked: TouchResult, deps: GatewayDeps): Promise<TouchResult> {
  if (peeked.status === 'gone' || peeked.status === 'replaced' || peeked.status === 'ended') return peeked;
  if (peeked.status === 'ok' && l.now - peeked.session.lastSeen < deps.sessions.refreshAfterMs) return peeked;
  return storeCallWithin(storeDeadline(deps), () => deps.sessions.touch(l.userId, l.sid, l.certField, l.now));
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
  const peeked = await pending.peeked;
  const registration = ctx.state.registration;
  if (peeked.status === 'ok' && registration && registration.operatorId !== peeked.session.operatorId) {
    // The certificate now belongs to another operator (serial add --replace): the session is over.
    await deps.sessions.end(pending.userId, pending.sid);
    ctx.append('Set-Cookie', clearSessionCookieHeader());
    ctx.state.outcome = 'session-operator-changed';
    sendPage(ctx, 401, gatewayPages.sessionTimeout(pageFrame(ctx, deps), { reason: 'cert-changed' }));
    return undefined;
  }
  const result = await settle(pending, peeked, deps);
  if (result.status === 'ok') {
    ctx.state.session = result.session;
    if (result.session.mustChange && !options.allowMustChange) {
      ctx.state.outcome = 'session-must-change';
      seeOther(ctx, PASSWORD_PATH);
      return undefined;
    }
    return result.session;
  }
  // After an administrator's action the cookie stays while the store remembers why (as long as the
  // session would have lived): a stray background request must not turn the user's next page into a
  // bare login page instead of the screen that names the reason. [閉じる] and a new login replace it.
  if (result.status !== 'ended') ctx.append('Set-Cookie', clearSessionCookieHeader());
  ctx.state.outcome = `session-${result.status}`;
  if (result.status === 'replaced') {
    sendPage(ctx, 401, gatewayPages.multipleLogin(pageFrame(ctx, deps), { reason: 'replaced' }));
  } else if (result.status === 'ended') {
    ctx.state.outcome = `session-${result.reason}`;
    sendPage(ctx, 401, gatewayPages.sessionTimeout(pageFrame(ctx, deps), { reason: result.reason }));
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
