// GET /auth/help/certificates: how to install, check, auto-select and remove the client certificate
// in today's browsers. Public like the stylesheet: a user refused for a missing certificate needs it most.
import { gatewayPages } from '../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../gateway/respond.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayMiddleware } from '../gateway/state.js';

export function showCertificateHelp(deps: GatewayDeps): GatewayMiddleware {
  return async function showCertificateHelpHandler(ctx) {
    ctx.state.outcome = 'auth-page';
    // The policy example names this very address, so an administrator can copy it as it is.
    const origin = `https://${ctx.host}`;
    sendPage(ctx, 200, gatewayPages.helpCertificates({ ...pageFrame(ctx, deps, { csrf: false }), origin }));
  };
}
