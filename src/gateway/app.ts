// The koa application of the mTLS listener: request log → security headers → error pages →
// language → request target → routes (routes.ts lists each route's own chain).
import Koa from 'koa';
import { requestLog } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security-headers.js';
import { errorPages } from './middleware/error-pages.js';
import { language } from './middleware/language.js';
import { requestTarget } from './middleware/request-target.js';
import { buildRoutes } from './routes.js';
import type { GatewayDeps } from './deps.js';
import type { GatewayState } from './state.js';

export function createGatewayApp(deps: GatewayDeps): Koa<GatewayState> {
  // `proxy` stays off: X-Forwarded-* from clients are never trusted (DESIGN "Headers").
  const app = new Koa<GatewayState>({ proxy: false });
  app.silent = true; // errors are rendered and logged by errorPages, not printed by koa
  app.use(requestLog(deps));
  app.use(securityHeaders());
  app.use(errorPages(deps));
  app.use(language());
  app.use(requestTarget(deps));
  app.use(buildRoutes(deps));
  return app;
}
