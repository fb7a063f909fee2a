// GET/POST /auth/password: the forced change after a temporary password, and the change a logged-in
// user starts from the portal's user page. Success ends the session; the user logs in again.
import { gatewayPages } from '../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../kernel/respond.js';
import type { GatewayDeps } from '../kernel/deps.js';
import type { GatewayMiddleware } from '../kernel/state.js';
import { clearSessionCookieHeader } from '../session/cookie.js';
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
    const result = await deps.login.changePassword({
      userId: session.userId,
      sid: session.sid,
      currentPassword: form.currentPassword ?? '',
      newPassword: form.newPassword ?? '',
      confirmPassword: form.confirmPassword ?? '',
      keepSession: false,
      cert: certOf(ctx),
      remoteAddress: ctx.ip,
    });
    ctx.state.outcome = `password-${result.status === 'invalid' ? result.error : result.status}`;
    if (result.status === 'invalid') {
      sendPage(ctx, 422, gatewayPages.passwordChange(pageFrame(ctx, deps), { userId: session.userId, forced: session.mustChange, error: result.error }));
      return;
    }
    // Every other outcome ended the session (changed, locked, or removed meanwhile).
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
