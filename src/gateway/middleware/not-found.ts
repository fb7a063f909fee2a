// The 404 page for unknown /auth/* paths (the portal renders the same page for its own).
import { gatewayPages } from '../../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../../kernel/respond.js';
import type { GatewayDeps } from '../../kernel/deps.js';
import type { GatewayMiddleware } from '../../kernel/state.js';

export function notFoundPage(deps: GatewayDeps): GatewayMiddleware {
  return async function notFoundMiddleware(ctx) {
    ctx.state.outcome = 'not-found';
    sendPage(ctx, 404, gatewayPages.notFound(pageFrame(ctx, deps)));
  };
}
