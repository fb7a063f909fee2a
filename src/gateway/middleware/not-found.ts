// The 404 page for unknown /auth/* paths (the portal renders the same page for its own).
import { gatewayPages } from '../../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../respond.js';
import type { GatewayDeps } from '../deps.js';
import type { GatewayMiddleware } from '../state.js';

export function notFoundPage(deps: GatewayDeps): GatewayMiddleware {
  return async function notFoundMiddleware(ctx) {
    // Same screen as the portal's 404 for a logged-in user (its close note included); a failed
    // lookup only means the page is shown as to a visitor without a session.
    const touched = await ctx.state.sessionLookup?.result.catch(() => undefined);
    if (touched?.status === 'ok') ctx.state.session = touched.session;
    ctx.state.outcome = 'not-found';
    sendPage(ctx, 404, gatewayPages.notFound(pageFrame(ctx, deps)));
  };
}
