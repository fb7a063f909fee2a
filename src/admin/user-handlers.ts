// /auth/admin/users: the operator's administrator lists, adds and manages their own users. Every
// action on another operator's user is 403 and changes nothing; nobody removes, locks or demotes
// themselves, and an operator keeps at least one administrator.
import { randomBytes } from 'node:crypto';
import { isCertgateError } from '../errors/certgate-error.js';
import { keys } from '../store/keys.js';
import { StoreLease } from '../store/lease.js';
import { seeOther } from '../kernel/redirects.js';
import { pageFrame, sendPage } from '../kernel/respond.js';
import type { GatewayDeps } from '../kernel/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../kernel/state.js';
import { gatewayPages } from '../pages/gateway-pages.js';
import { withLang } from '../pages/format.js';
import type { AdminUserError } from '../pages/messages/admin-ja.js';
import { adminUser, adminUserCreated, adminUserNew, adminUsers, type AdminUserRow, type NewUserValues } from '../pages/views/admin-users.js';
import { recordAudit } from '../audit/audit-log.js';
import { ADMIN_GRANTABLE } from '../users/roles.js';
import type { UserRecord } from '../users/user-record.js';
import { isEmail } from '../users/email.js';
import { isUserId } from '../users/user-id.js';
import { actorOf, sendNotAllowed, webBy } from './access.js';
import { setFlash, takeFlash } from './flash.js';

export const USER_ACTIONS = ['unlock', 'lock', 'reset-password', 'end-session', 'remove', 'roles'] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

async function rowOf(deps: GatewayDeps, u: UserRecord, now: number): Promise<AdminUserRow> {
  const s = await deps.sessions.get(u.userId);
  const live = s && deps.sessions.isLive(s, now) ? s : undefined;
  return { ...u, sessionSince: live?.createdAt };
}

export function listUsers(deps: GatewayDeps): GatewayMiddleware {
  return async function listUsersHandler(ctx) {
    const actor = actorOf(ctx);
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim().slice(0, 64) : '';
    const needle = q.toLowerCase();
    const users = (await deps.users.list({ operatorId: actor.operatorId })).filter(
      (u) => needle === '' || u.userId.toLowerCase().includes(needle) || u.name.toLowerCase().includes(needle),
    );
    const now = (ctx.state.now ?? deps.clock());
    const rows: AdminUserRow[] = [];
    for (const u of users) rows.push(await rowOf(deps, u, now));
    const removed = typeof ctx.query.removed === 'string' && isUserId(ctx.query.removed) ? ctx.query.removed : undefined;
    ctx.state.outcome = 'admin-page';
    sendPage(ctx, 200, adminUsers(pageFrame(ctx, deps), { users: rows, q, ...(removed ? { removed } : {}) }));
  };
}

export function showNewUser(deps: GatewayDeps): GatewayMiddleware {
  return async function showNewUserHandler(ctx) {
    ctx.state.outcome = 'admin-page';
    sendPage(ctx, 200, adminUserNew(pageFrame(ctx, deps), { values: {} }));
  };
}

/** Checked `roles` boxes; only roles an operator's administrator may grant. */
function rolesOf(ctx: GatewayContext): string[] | undefined {
  const roles = [...new Set((ctx.state.formAll ?? []).filter(([k]) => k === 'roles').map(([, v]) => v))];
  if (roles.length === 0 || roles.some((r) => !(ADMIN_GRANTABLE as readonly string[]).includes(r))) return undefined;
  return roles;
}

export function submitNewUser(deps: GatewayDeps): GatewayMiddleware {
  return async function submitNewUserHandler(ctx) {
    const actor = actorOf(ctx);
    const form = ctx.state.form ?? {};
    const values: NewUserValues = { userId: (form.userId ?? '').trim(), name: (form.name ?? '').trim(), email: (form.email ?? '').trim() };
    const roles = rolesOf(ctx);
    values.roles = roles ?? [];
    const refuse = (error: AdminUserError, status = 422) => {
      ctx.state.outcome = `admin-user-new-${error}`;
      sendPage(ctx, status, adminUserNew(pageFrame(ctx, deps), { values, error }));
    };
    if (!isUserId(values.userId)) return refuse('user-id');
    if ((values.name ?? '').length > 100) return refuse('name');
    if (values.email && !isEmail(values.email)) return refuse('email');
    if (!roles) return refuse('roles');
    try {
      const created = await deps.users.create(
        { userId: values.userId!, operatorId: actor.operatorId, roles, ...(values.name ? { name: values.name } : {}), ...(values.email ? { email: values.email } : {}) },
        webBy(ctx),
      );
      ctx.state.outcome = 'admin-user-created';
      sendPage(ctx, 200, adminUserCreated(pageFrame(ctx, deps), { userId: created.user.userId, temporaryPassword: created.temporaryPassword }));
    } catch (err) {
      if (isCertgateError(err) && err.code === 'CONFLICT') return refuse('exists', 409);
      throw err;
    }
  };
}

/** The user named in the path, when it belongs to the actor's operator; otherwise answers 404 / 403 itself. */
async function target(ctx: GatewayContext, deps: GatewayDeps): Promise<UserRecord | undefined> {
  const userId = (ctx.params as Record<string, string> | undefined)?.userId ?? '';
  const user = isUserId(userId) ? await deps.users.get(userId) : undefined;
  if (!user) {
    ctx.state.outcome = 'not-found';
    sendPage(ctx, 404, gatewayPages.notFound(pageFrame(ctx, deps)));
    return undefined;
  }
  if (user.operatorId !== actorOf(ctx).operatorId) {
    await recordAudit(deps.audit, webBy(ctx), 'admin.refused', user.userId, { operator: actorOf(ctx).operatorId, path: ctx.path });
    sendNotAllowed(ctx, deps);
    return undefined;
  }
  return user;
}

async function renderUser(ctx: GatewayContext, deps: GatewayDeps, user: UserRecord, extra: { notice?: string; error?: AdminUserError; temporaryPassword?: string }, status = 200) {
  const actor = actorOf(ctx);
  const row = await rowOf(deps, user, (ctx.state.now ?? deps.clock()));
  sendPage(ctx, status, adminUser(pageFrame(ctx, deps), { user: row, self: user.userId === actor.userId, ...extra }));
}

export function showUser(deps: GatewayDeps): GatewayMiddleware {
  return async function showUserHandler(ctx) {
    const user = await target(ctx, deps);
    if (!user) return;
    const sid = ctx.state.session?.sid ?? '';
    const temporaryPassword = takeFlash(ctx, deps.config.secret, sid, user.userId);
    const done = typeof ctx.query.done === 'string' ? ctx.query.done : undefined;
    ctx.state.outcome = 'admin-page';
    await renderUser(ctx, deps, user, { ...(done ? { notice: done } : {}), ...(temporaryPassword ? { temporaryPassword } : {}) });
  };
}

const LEASE_MS = 5000;

/**
 * Runs the last-administrator check and the change under a short per-operator lease, so two
 * administrators demoting each other at once cannot leave the operator with none.
 */
async function underAdminLease<T>(deps: GatewayDeps, operatorId: string, work: () => Promise<T>): Promise<T | 'busy'> {
  const lease = new StoreLease(deps.redis, keys.operatorAdminLease(operatorId), randomBytes(12).toString('base64url'), LEASE_MS);
  if (!(await lease.acquire())) return 'busy';
  try {
    return await work();
  } finally {
    await lease.release();
  }
}

/** Would the operator be left without an unlocked administrator if `target` lost the role? */
async function isLastAdmin(deps: GatewayDeps, target: UserRecord): Promise<boolean> {
  if (!target.roles.includes('operator-admin')) return false;
  const others = (await deps.users.list({ operatorId: target.operatorId })).filter((u) => u.userId !== target.userId && !u.locked && u.roles.includes('operator-admin'));
  return others.length === 0;
}

export function userAction(deps: GatewayDeps, action: UserAction): GatewayMiddleware {
  return async function userActionHandler(ctx) {
    const user = await target(ctx, deps);
    if (!user) return;
    const by = webBy(ctx);
    const self = user.userId === actorOf(ctx).userId;
    const refuse = async (error: AdminUserError) => {
      ctx.state.outcome = `admin-${action}-${error}`;
      await renderUser(ctx, deps, user, { error }, 409);
    };
    const back = `/auth/admin/users/${encodeURIComponent(user.userId)}`;
    ctx.state.outcome = `admin-${action}`;
    switch (action) {
      case 'unlock':
        await deps.users.unlock(user.userId, by);
        break;
      case 'lock': {
        if (self) return refuse('self');
        const r = await underAdminLease(deps, user.operatorId, async () => ((await isLastAdmin(deps, user)) ? 'last-admin' : (await deps.users.lock(user.userId, by), 'ok')));
        if (r !== 'ok') return refuse(r);
        break;
      }
      case 'reset-password': {
        if (self) return refuse('self');
        const { temporaryPassword } = await deps.users.resetPassword(user.userId, by);
        setFlash(ctx, deps.config.secret, { sid: ctx.state.session?.sid ?? '', target: user.userId, password: temporaryPassword });
        break;
      }
      case 'end-session':
        if (self) return refuse('self');
        if (await deps.sessions.kill(user.userId)) await recordAudit(deps.audit, by, 'session.kill', user.userId, { operator: user.operatorId });
        break;
      case 'remove': {
        if (self) return refuse('self');
        const r = await underAdminLease(deps, user.operatorId, async () => ((await isLastAdmin(deps, user)) ? 'last-admin' : (await deps.users.remove(user.userId, by), 'ok')));
        if (r !== 'ok') return refuse(r);
        seeOther(ctx, withLang(`/auth/admin/users?removed=${encodeURIComponent(user.userId)}`, ctx.state.lang));
        return;
      }
      case 'roles': {
        const roles = rolesOf(ctx);
        if (!roles) return refuse('roles');
        if (self) return refuse('self');
        const r = await underAdminLease(deps, user.operatorId, async () =>
          !roles.includes('operator-admin') && (await isLastAdmin(deps, user)) ? 'last-admin' : (await deps.users.setRoles(user.userId, roles, by), 'ok'),
        );
        if (r !== 'ok') return refuse(r);
        // The session carries the roles it started with: a change takes effect at the next login.
        await deps.sessions.kill(user.userId);
        break;
      }
    }
    seeOther(ctx, withLang(`${back}?done=${action}`, ctx.state.lang));
  };
}
