// Who may use /auth/admin (operator-admin, own operator only) and /auth/review (market-reviewer):
// the user's record is read fresh on every request, so a role removed or an account locked counts at once.
import type { AuditBy } from '../audit/audit-log.js';
import { errors } from '../errors/certgate-error.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';
import { notAllowed } from '../pages/views/admin-users.js';
import type { Role } from '../users/roles.js';
import type { UserRecord } from '../users/user-record.js';

export function sendNotAllowed(ctx: GatewayContext, deps: GatewayDeps): void {
  ctx.state.outcome = 'not-allowed';
  sendPage(ctx, 403, notAllowed(pageFrame(ctx, deps)));
}

/** After requireSession: the current record must hold `role`, be unlocked and belong to the session's operator. */
export function requireRole(deps: GatewayDeps, role: Role): GatewayMiddleware {
  return async function requireRoleMiddleware(ctx, next) {
    const session = ctx.state.session;
    if (!session) throw errors.internal('role check reached without a session');
    const user = await deps.users.get(session.userId);
    if (!user || user.locked || user.operatorId !== session.operatorId || !user.roles.includes(role)) {
      sendNotAllowed(ctx, deps);
      return;
    }
    ctx.state.actor = user;
    await next();
  };
}

export function actorOf(ctx: GatewayContext): UserRecord {
  const actor = ctx.state.actor;
  if (!actor) throw errors.internal('administration handler reached without a role check');
  return actor;
}

/** Audit attribution for the web: the signed-in user ID, source gateway. */
export const webBy = (ctx: GatewayContext): AuditBy => ({ actor: actorOf(ctx).userId, source: 'gateway' });
