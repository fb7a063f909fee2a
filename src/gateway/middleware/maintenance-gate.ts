// Request path step 2: while maintenance mode is on, every instance answers with the maintenance page.
import { gatewayPages } from '../../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../respond.js';
import { problemFor, sendProblem } from '../../api/problem.js';
import type { GatewayDeps } from '../deps.js';
import type { GatewayMiddleware } from '../state.js';

const RETRY_AFTER_SECONDS = 300;

export function maintenanceGate(deps: GatewayDeps): GatewayMiddleware {
  return async function maintenanceGateMiddleware(ctx, next) {
    const m = ctx.state.maintenance;
    if (m?.on) {
      ctx.state.outcome = 'maintenance';
      if (ctx.state.client === 'api') {
        const p = problemFor('maintenance', ctx.state.lang, { retryAfterSeconds: RETRY_AFTER_SECONDS });
        if (m.message) p.problem.detail += ` ${m.message}`;
        sendProblem(ctx, p);
        return;
      }
      ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      const props = { ...(m.message ? { message: m.message } : {}), ...(m.since ? { since: new Date(m.since) } : {}) };
      sendPage(ctx, 503, gatewayPages.maintenance(pageFrame(ctx, deps, { csrf: false }), props));
      return;
    }
    await next();
  };
}
