// GET /auth/logout (the confirmation), POST /auth/logout (end the session, clear the cookie, back to
// the login screen, which says the user has logged out: manual 5章③), and GET /auth/closed, where
// every error screen's [閉じる] leads (manual 6章: closing an error screen logs the user out).
import { gatewayPages } from '../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayMiddleware } from '../gateway/state.js';
import { SESSION_COOKIE, clearSessionCookieHeader, decodeSessionCookie, setCookieHeader } from '../session/cookie.js';
import { LOGIN_PATH } from '../session/middleware.js';
import { recordAudit } from '../audit/audit-log.js';
import { checkCsrf } from './csrf.js';
import { seeOther } from './see-other.js';

export function showLogoutConfirm(deps: GatewayDeps): GatewayMiddleware {
  return async function showLogoutConfirmHandler(ctx) {
    ctx.state.outcome = 'auth-page';
    sendPage(ctx, 200, gatewayPages.logoutConfirm(pageFrame(ctx, deps)));
  };
}

export function submitLogout(deps: GatewayDeps): GatewayMiddleware {
  return async function submitLogoutHandler(ctx) {
    await checkCsrf(ctx, deps);
    const cookie = decodeSessionCookie(deps.config.keys.cookie, ctx.cookies.get(SESSION_COOKIE));
    // Only this session ends: an old terminal's cookie must not log out the newer login elsewhere.
    if (cookie && (await deps.sessions.end(cookie.userId, cookie.sid))) {
      await recordAudit(deps.audit, { actor: cookie.userId, source: 'gateway' }, 'logout', cookie.userId);
    }
    ctx.append('Set-Cookie', clearSessionCookieHeader());
    ctx.state.outcome = 'logout';
    // The login page says the user has logged out (manual 5章③): told by a one-time cookie, so the
    // redirect stays exactly /auth/login and a bookmarked URL never claims a logout that did not happen.
    ctx.append('Set-Cookie', `${setCookieHeader(NOTICE_COOKIE, LOGGED_OUT_NOTICE)}; Max-Age=${NOTICE_MAX_AGE_S}`);
    seeOther(ctx, LOGIN_PATH);
  };
}

/** One-time notice for the next login page (prefix `__Host-certgate-`: never forwarded upstream). */
export const NOTICE_COOKIE = '__Host-certgate-notice';
export const LOGGED_OUT_NOTICE = 'logged-out';
const NOTICE_MAX_AGE_S = 120;

/**
 * GET /auth/closed. Reached from error screens that cannot carry a form token (a refused
 * certificate, maintenance, a store outage, the portal's 404), so it is a plain link outside the
 * certificate and maintenance gates: it only ever ends a session, never grants or extends one. The
 * session cookie is SameSite=Strict, so a cross-site link arrives without it and ends nothing;
 * Sec-Fetch-Site is checked as well. A store failure still clears the cookie and shows the page.
 */
export function showClosed(deps: GatewayDeps): GatewayMiddleware {
  return async function showClosedHandler(ctx) {
    const site = ctx.get('sec-fetch-site');
    const cookie = decodeSessionCookie(deps.config.keys.cookie, ctx.cookies.get(SESSION_COOKIE));
    if (cookie && (!site || site === 'same-origin' || site === 'none')) {
      try {
        if (await deps.sessions.end(cookie.userId, cookie.sid)) {
          await recordAudit(deps.audit, { actor: cookie.userId, source: 'gateway' }, 'logout', cookie.userId, { via: 'close' });
        }
      } catch (err) {
        deps.logger.warn({ err: { message: (err as Error).message }, requestId: ctx.state.requestId }, 'closing screen: session could not be ended now');
      }
    }
    if (ctx.cookies.get(SESSION_COOKIE)) ctx.append('Set-Cookie', clearSessionCookieHeader());
    ctx.state.outcome = 'closed';
    sendPage(ctx, 200, gatewayPages.closed(pageFrame(ctx, deps, { csrf: false })));
  };
}
