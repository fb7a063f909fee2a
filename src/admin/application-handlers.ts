// /auth/admin/applications: the operator's administrator applies to register certificates (files or
// serial + expiry rows) or to remove registered ones, sees their applications and withdraws pending ones.
import { isCertgateError } from '../errors/certgate-error.js';
import { seeOther } from '../auth/see-other.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';
import { gatewayPages } from '../pages/gateway-pages.js';
import { adminMessages } from '../pages/admin-i18n.js';
import { withLang } from '../pages/format.js';
import { adminApplications, type ApplicationsPageProps } from '../pages/views/admin-applications.js';
import { APPLICATION_ID, publicState } from '../applications/application.js';
import { ApplicationRefused, type ApplicationProblem } from '../applications/problems.js';
import { actorOf, sendNotAllowed, webBy } from './access.js';

const param = (ctx: GatewayContext, name: string): string => (ctx.params as Record<string, string> | undefined)?.[name] ?? '';
const queryId = (v: unknown): string | undefined => (typeof v === 'string' && APPLICATION_ID.test(v) ? v : undefined);

async function render(ctx: GatewayContext, deps: GatewayDeps, status: number, extra: Omit<ApplicationsPageProps, 'applications'>): Promise<void> {
  const applications = await deps.applications.store.listByOperator(actorOf(ctx).operatorId);
  sendPage(ctx, status, adminApplications(pageFrame(ctx, deps), { applications, ...extra }));
}

export function listApplications(deps: GatewayDeps): GatewayMiddleware {
  return async function listApplicationsHandler(ctx) {
    const t = adminMessages(ctx.state.lang).applications;
    const submitted = queryId(ctx.query.submitted);
    const withdrawn = queryId(ctx.query.withdrawn);
    ctx.state.outcome = 'admin-page';
    await render(ctx, deps, 200, {
      ...(submitted ? { notice: t.submitted(submitted), created: submitted } : {}),
      ...(withdrawn ? { notice: t.withdrawn(withdrawn) } : {}),
    });
  };
}

/** Typed rows: the i-th serial, notAfter and label fields belong together; rows left empty are skipped. */
function manualRows(ctx: GatewayContext): Array<{ serial: string; notAfter: string; label: string }> {
  const all = ctx.state.formAll ?? [];
  const col = (name: string) => all.filter(([k]) => k === name).map(([, v]) => v);
  const serials = col('serial');
  const dates = col('notAfter');
  const labels = col('label');
  const rows: Array<{ serial: string; notAfter: string; label: string }> = [];
  for (let i = 0; i < Math.max(serials.length, dates.length); i++) {
    const row = { serial: (serials[i] ?? '').trim(), notAfter: (dates[i] ?? '').trim(), label: (labels[i] ?? '').trim() };
    if (row.serial !== '' || row.notAfter !== '') rows.push(row);
  }
  return rows;
}

export function problemTexts(lang: GatewayContext['state']['lang'], problems: ApplicationProblem[]): string[] {
  const t = adminMessages(lang).applications.problems;
  return problems.map((p) => (p.item ? `${p.item}: ${t[p.code]}` : t[p.code]));
}

export function submitApplication(deps: GatewayDeps): GatewayMiddleware {
  return async function submitApplicationHandler(ctx) {
    const actor = actorOf(ctx);
    const form = ctx.state.form ?? {};
    const by = webBy(ctx);
    const now = (ctx.state.now ?? deps.clock());
    const serials = (ctx.state.formAll ?? []).filter(([k]) => k === 'serials').map(([, v]) => v);
    const removal = form.kind === 'removal' || (form.kind !== 'registration' && serials.length > 0);
    try {
      let id: string;
      if (removal) {
        id = (await deps.applications.applyRemoval({ operatorId: actor.operatorId, applicant: actor.userId, fields: serials }, by, now)).id;
      } else {
        const files = (ctx.state.files ?? []).filter((f) => f.field === 'certificate');
        const tooLarge = files.filter((f) => f.truncated).map((f): ApplicationProblem => ({ code: 'file-too-large', item: f.name }));
        if (tooLarge.length > 0) throw new ApplicationRefused(tooLarge);
        const app = await deps.applications.applyRegistration(
          { operatorId: actor.operatorId, applicant: actor.userId, files: files.map((f) => ({ name: f.name, data: f.data })), manual: manualRows(ctx), timeZone: deps.config.timeZone },
          by,
          now,
        );
        id = app.id;
      }
      ctx.state.outcome = 'application-submitted';
      seeOther(ctx, withLang(`/auth/admin/applications?submitted=${id}`, ctx.state.lang));
    } catch (err) {
      if (!(err instanceof ApplicationRefused)) throw err;
      ctx.state.outcome = 'application-refused';
      await render(ctx, deps, 422, { problems: problemTexts(ctx.state.lang, err.problems), error: err.problems[0]?.code ?? 'none' });
    }
  };
}

export function withdrawApplication(deps: GatewayDeps): GatewayMiddleware {
  return async function withdrawApplicationHandler(ctx) {
    const actor = actorOf(ctx);
    const id = param(ctx, 'id');
    const app = APPLICATION_ID.test(id) ? await deps.applications.store.get(id) : undefined;
    if (!app) {
      ctx.state.outcome = 'not-found';
      sendPage(ctx, 404, gatewayPages.notFound(pageFrame(ctx, deps)));
      return;
    }
    if (app.operatorId !== actor.operatorId) return sendNotAllowed(ctx, deps);
    if (publicState(app) !== 'pending') {
      ctx.state.outcome = 'application-not-pending';
      await render(ctx, deps, 409, { problems: [adminMessages(ctx.state.lang).review.errors['not-pending']], error: 'not-pending' });
      return;
    }
    try {
      await deps.applications.withdraw(actor.operatorId, id, webBy(ctx), (ctx.state.now ?? deps.clock()));
    } catch (err) {
      if (!isCertgateError(err) || err.code !== 'CONFLICT') throw err;
      await render(ctx, deps, 409, { problems: [adminMessages(ctx.state.lang).review.errors['not-pending']], error: 'not-pending' });
      return;
    }
    ctx.state.outcome = 'application-withdrawn';
    seeOther(ctx, withLang(`/auth/admin/applications?withdrawn=${id}`, ctx.state.lang));
  };
}
