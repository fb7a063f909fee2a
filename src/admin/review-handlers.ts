// /auth/review/applications: the market operator's reviewers approve or reject certificate
// applications. Nobody decides their own; an approval failure leaves the application pending.
import { isCertgateError } from '../errors/certgate-error.js';
import { seeOther } from '../auth/see-other.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';
import { gatewayPages } from '../pages/gateway-pages.js';
import { adminMessages } from '../pages/admin-i18n.js';
import { withLang } from '../pages/format.js';
import type { ReviewError } from '../pages/messages/admin-ja.js';
import { reviewApplications } from '../pages/views/admin-review.js';
import { APPLICATION_ID, publicState } from '../applications/application.js';
import { actorOf, webBy } from './access.js';

const DECIDED_SHOWN = 50;

async function render(ctx: GatewayContext, deps: GatewayDeps, status: number, extra: { notice?: string; error?: ReviewError; detail?: string }): Promise<void> {
  const store = deps.applications.store;
  const pending = (await store.listAll({ pendingOnly: true })).filter((a) => publicState(a) === 'pending').reverse();
  const decided = (await store.listAll({ limit: 500 })).filter((a) => publicState(a) !== 'pending').slice(0, DECIDED_SHOWN);
  sendPage(ctx, status, reviewApplications(pageFrame(ctx, deps), { pending, decided, self: actorOf(ctx).userId, ...extra }));
}

export function showReview(deps: GatewayDeps): GatewayMiddleware {
  return async function showReviewHandler(ctx) {
    const r = adminMessages(ctx.state.lang).review;
    const approved = typeof ctx.query.approved === 'string' && APPLICATION_ID.test(ctx.query.approved) ? ctx.query.approved : undefined;
    const rejected = typeof ctx.query.rejected === 'string' && APPLICATION_ID.test(ctx.query.rejected) ? ctx.query.rejected : undefined;
    ctx.state.outcome = 'review-page';
    await render(ctx, deps, 200, { ...(approved ? { notice: r.approved(approved) } : {}), ...(rejected ? { notice: r.rejected(rejected) } : {}) });
  };
}

/** POST …/:id/approve, …/:id/reject, or the collection with `id` and `decision` (approve|reject). */
export function decide(deps: GatewayDeps, fixed?: 'approve' | 'reject'): GatewayMiddleware {
  return async function decideHandler(ctx) {
    const form = ctx.state.form ?? {};
    const id = (ctx.params as Record<string, string> | undefined)?.id ?? form.id ?? '';
    const decision = fixed ?? (form.decision === 'reject' || form.action === 'reject' ? 'reject' : form.decision === 'approve' || form.action === 'approve' ? 'approve' : undefined);
    const app = APPLICATION_ID.test(id) ? await deps.applications.store.get(id) : undefined;
    if (!app || !decision) {
      ctx.state.outcome = 'not-found';
      sendPage(ctx, 404, gatewayPages.notFound(pageFrame(ctx, deps)));
      return;
    }
    const refuse = (error: ReviewError, status: number, detail?: string) => {
      ctx.state.outcome = `review-${error}`;
      return render(ctx, deps, status, { error, ...(detail ? { detail } : {}) });
    };
    const actor = actorOf(ctx);
    if (app.applicant === actor.userId) return refuse('own-application', 403);
    if (publicState(app) !== 'pending' || app.state === 'approving') return refuse('not-pending', 409);
    const reason = (form.reason ?? '').trim();
    if (decision === 'reject' && (reason === '' || reason.length > 500)) return refuse('reason', 422);
    try {
      if (decision === 'approve') await deps.applications.approve(id, webBy(ctx), (ctx.state.now ?? deps.clock()));
      else await deps.applications.reject(id, reason, webBy(ctx), (ctx.state.now ?? deps.clock()));
    } catch (err) {
      if (!isCertgateError(err) || !['CONFLICT', 'NOT_FOUND', 'INPUT_INVALID'].includes(err.code)) throw err;
      return refuse(decision === 'approve' ? 'approval-failed' : 'not-pending', 409, decision === 'approve' ? err.message : undefined);
    }
    ctx.state.outcome = `review-${decision}`;
    seeOther(ctx, withLang(`/auth/review/applications?${decision === 'approve' ? 'approved' : 'rejected'}=${id}`, ctx.state.lang));
  };
}
