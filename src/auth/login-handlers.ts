// GET/POST /auth/login: the login form and its submission (CONTRACT.md "Pages").
import { errors } from '../errors/certgate-error.js';
import { gatewayPages } from '../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import { registryField } from '../store/keys.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';
import { clearCookieHeader, sessionCookieHeader } from '../session/cookie.js';
import { LOGGED_OUT_NOTICE, NOTICE_COOKIE } from './logout-handlers.js';
import { PASSWORD_PATH } from '../session/middleware.js';
import { checkCsrf } from './csrf.js';
import { readForm } from './form-body.js';
import { safeNextPath } from './next-path.js';
import { seeOther } from './see-other.js';

const nextOrUndefined = (raw: unknown): string | undefined => {
  const path = safeNextPath(raw);
  return path === '/' ? undefined : path;
};

/** The page frame with a path rebuilt from the sanitised `next`: no raw query is echoed into links. */
function loginFrame(ctx: GatewayContext, deps: GatewayDeps, next: string | undefined) {
  return { ...pageFrame(ctx, deps), path: `/auth/login${next ? `?next=${encodeURIComponent(next)}` : ''}` };
}

export function showLogin(deps: GatewayDeps): GatewayMiddleware {
  return async function showLoginHandler(ctx) {
    const next = nextOrUndefined(ctx.query.next);
    ctx.state.outcome = 'auth-page';
    const loggedOut = ctx.cookies.get(NOTICE_COOKIE) === LOGGED_OUT_NOTICE;
    // Shown once: the next visit to the login page is an ordinary one.
    if (ctx.cookies.get(NOTICE_COOKIE) !== undefined) ctx.append('Set-Cookie', clearCookieHeader(NOTICE_COOKIE));
    sendPage(ctx, 200, gatewayPages.login(loginFrame(ctx, deps, next), { ...(next ? { next } : {}), ...(loggedOut ? { loggedOut } : {}) }));
  };
}

/** The presented certificate as the login needs it; the certificate gate has already vouched for it. */
export function certOf(ctx: GatewayContext): { field: string; operatorId: string } {
  const { cert, registration } = ctx.state;
  if (!cert || !registration) throw errors.internal('auth handler reached without an accepted certificate');
  return { field: registryField(cert.issuerId, cert.serial), operatorId: registration.operatorId };
}

export function submitLogin(deps: GatewayDeps): GatewayMiddleware {
  return async function submitLoginHandler(ctx) {
    await checkCsrf(ctx, deps);
    const form = await readForm(ctx);
    const userId = (form.userId ?? '').trim();
    const next = nextOrUndefined(form.next);
    const result = await deps.login.login({ userId, password: form.password ?? '', cert: certOf(ctx), remoteAddress: ctx.ip });
    ctx.state.outcome = `login-${result.status}`;
    switch (result.status) {
      case 'ok':
        ctx.append('Set-Cookie', sessionCookieHeader(deps.config.keys.cookie, result.userId, result.sid));
        seeOther(ctx, result.mustChange ? PASSWORD_PATH : (next ?? '/'));
        return;
      case 'multiple-login':
        sendPage(ctx, 409, gatewayPages.multipleLogin(pageFrame(ctx, deps), { reason: 'rejected' }));
        return;
      default: {
        if (result.status === 'too-many-attempts') ctx.set('Retry-After', String(result.retryAfterSeconds));
        const status = result.status === 'account-locked' ? 403 : result.status === 'too-many-attempts' ? 429 : 401;
        const props = { error: result.status, ...(userId && userId.length <= 64 ? { userId } : {}), ...(next ? { next } : {}) };
        sendPage(ctx, status, gatewayPages.login(loginFrame(ctx, deps, next), props));
      }
    }
  };
}
