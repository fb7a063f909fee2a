// GET /auth/logout (the confirmation) and POST /auth/logout (end the session, clear the cookie,
// back to the login screen). Error pages' close buttons post here too.
import { gatewayPages } from '../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayMiddleware } from '../gateway/state.js';
import { SESSION_COOKIE, clearSessionCookieHeader, decodeSessionCookie } from '../session/cookie.js';
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
    seeOther(ctx, LOGIN_PATH);
  };
}
