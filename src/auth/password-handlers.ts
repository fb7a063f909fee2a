// GET/POST /auth/password: the forced change after a temporary password (success ends the session and
// the user logs in again, manual 3章(1)), and the change a logged-in user starts from the portal's
// user page (the user stays logged in under a new session id and goes back to the portal, 3章(2)).
import { gatewayPages } from '../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayMiddleware } from '../gateway/state.js';
import { clearSessionCookieHeader, newSessionId, sessionCookieHeader } from '../session/cookie.js';
import { resolveSession } from '../session/middleware.js';
import { checkCsrf } from './csrf.js';
import { readForm } from './form-body.js';
import { certOf } from './login-handlers.js';

export function showPasswordChange(deps: GatewayDeps): GatewayMiddleware {
  return async function showPasswordChangeHandler(ctx) {
    const session = await resolveSession(ctx, deps, { allowMustChange: true });
    if (!session) return;
    ctx.state.outcome = 'auth-page';
    sendPage(ctx, 200, gatewayPages.passwordChange(pageFrame(ctx, deps), { userId: session.userId, forced: session.mustChange }));
  };
}

export function submitPasswordChange(deps: GatewayDeps): GatewayMiddleware {
  return async function submitPasswordChangeHandler(ctx) {
    await checkCsrf(ctx, deps);
    const session = await resolveSession(ctx, deps, { allowMustChange: true });
    if (!session) return;
    const form = await readForm(ctx);
    const keepSession = !session.mustChange;
    const newSid = keepSession ? newSessionId() : undefined;
    const result = await deps.login.changePassword({
      userId: session.userId,
      sid: session.sid,
      currentPassword: form.currentPassword ?? '',
      newPassword: form.newPassword ?? '',
      confirmPassword: form.confirmPassword ?? '',
      keepSession,
      ...(newSid ? { newSid } : {}),
      cert: certOf(ctx),
      remoteAddress: ctx.ip,
    });
    ctx.state.outcome = `password-${result.status === 'invalid' ? result.error : result.status}`;
    if (result.status === 'invalid') {
      sendPage(ctx, 422, gatewayPages.passwordChange(pageFrame(ctx, deps), { userId: session.userId, forced: session.mustChange, error: result.error }));
      return;
    }
    if (result.status === 'ok' && keepSession && newSid) {
      // Still logged in: the cookie (and the CSRF token bound to it) follow the renewed session id.
      ctx.append('Set-Cookie', sessionCookieHeader(deps.config.keys.cookie, session.userId, newSid));
      ctx.state.session = { ...session, sid: newSid, mustChange: false };
      sendPage(ctx, 200, gatewayPages.passwordChanged(pageFrame(ctx, deps), { stillLoggedIn: true }));
      return;
    }
    // Every other outcome ended the session (forced change done, locked, or removed meanwhile).
    ctx.append('Set-Cookie', clearSessionCookieHeader());
    ctx.state.session = undefined;
    if (result.status === 'ok') {
      sendPage(ctx, 200, gatewayPages.passwordChanged(pageFrame(ctx, deps)));
    } else if (result.status === 'locked') {
      sendPage(ctx, 403, gatewayPages.login(pageFrame(ctx, deps), { error: 'account-locked' }));
    } else {
      sendPage(ctx, 401, gatewayPages.sessionTimeout(pageFrame(ctx, deps), { reason: 'ended' }));
    }
  };
}
