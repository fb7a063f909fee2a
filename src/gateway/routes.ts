// Every route of the mTLS listener and its middleware chain, in request order, in one table
// (DESIGN "Request path"): certificate gate → maintenance → session → handler or proxy.
import Router from '@koa/router';
import compose from 'koa-compose';
import { certificateGate } from './middleware/certificate-gate.js';
import { maintenanceGate } from './middleware/maintenance-gate.js';
import { serveAssets } from '../pages/serve-assets.js';
import { notFoundPage } from './middleware/not-found.js';
import { requireSession } from '../session/middleware.js';
import { formBody } from '../auth/form-body.js';
import { verifyCsrf } from '../auth/csrf.js';
import { showLogin, submitLogin } from '../auth/login-handlers.js';
import { showPasswordChange, submitPasswordChange } from '../auth/password-handlers.js';
import { showClosed, showLogoutConfirm, submitLogout } from '../auth/logout-handlers.js';
import { showCertificateHelp } from '../auth/help-handler.js';
import { showCertInfo } from '../auth/cert-info-handler.js';
import { proxyToUpstream } from '../proxy/proxy-middleware.js';
import type { GatewayDeps } from './deps.js';
import type { GatewayMiddleware, GatewayState } from './state.js';

type Method = 'GET' | 'POST' | 'ALL';

/** Everything outside /auth/ is the portal: the proxied route below, the hot path. */
export const PROXIED = '/{*rest}';

export function routeTable(deps: GatewayDeps): Array<[Method, string, GatewayMiddleware[]]> {
  const gate = certificateGate(deps);
  const maintenance = maintenanceGate(deps);
  const form = formBody();
  const csrf = verifyCsrf(deps);
  // prettier-ignore
  return [
    // Static CSS/JS of the pages, public: the certificate-refused page needs its stylesheet too.
    ['GET',  '/auth/assets/:name', [serveAssets('/auth/assets/')]],
    // Shows the presented certificate even when it is unregistered or expired (manual, chapter 7).
    ['GET',  '/auth/cert',         [certificateGate(deps, { informational: true }), showCertInfo(deps)]],
    ['GET',  '/auth/login',        [gate, maintenance, showLogin(deps)]],
    ['POST', '/auth/login',        [gate, maintenance, form, csrf, submitLogin(deps)]],
    ['GET',  '/auth/password',     [gate, maintenance, showPasswordChange(deps)]],
    ['POST', '/auth/password',     [gate, maintenance, form, csrf, submitPasswordChange(deps)]],
    // Logging out stays possible during maintenance (closing the maintenance screen logs out).
    ['GET',  '/auth/logout',       [gate, showLogoutConfirm(deps)]],
    ['POST', '/auth/logout',       [gate, form, csrf, submitLogout(deps)]],
    // Where every error screen's [閉じる] leads; reachable with a refused certificate and during
    // maintenance, it only ever ends the session (src/auth/logout-handlers.ts).
    ['GET',  '/auth/closed',       [showClosed(deps)]],
    // Certificate help (manual chapters 1, 7, 8, 9), public: the login error page links to it.
    ['GET',  '/auth/help/certificates', [showCertificateHelp(deps)]],
    ['ALL',  '/auth/{*rest}',      [gate, maintenance, notFoundPage(deps)]],
    ['ALL',  PROXIED,              [gate, maintenance, requireSession(deps), proxyToUpstream(deps)]],
  ];
}

/**
 * The dispatcher for the table: /auth/* through the router, everything else straight into the
 * proxied chain (composed once), so the hot path pays for no route matching.
 */
export function buildRoutes(deps: GatewayDeps): GatewayMiddleware {
  const router = new Router<GatewayState>();
  let proxied: GatewayMiddleware | undefined;
  for (const [method, path, chain] of routeTable(deps)) {
    if (path === PROXIED) proxied = compose(chain);
    else if (method === 'GET') router.get(path, ...chain);
    else if (method === 'POST') router.post(path, ...chain);
    else router.all(path, ...chain);
  }
  if (!proxied) throw new Error('route table has no proxied route');
  const portal = proxied;
  const auth = compose([router.routes(), router.allowedMethods()]) as GatewayMiddleware;
  return function dispatchRoute(ctx, next) {
    return ctx.path.startsWith('/auth/') ? auth(ctx, next) : portal(ctx, next);
  };
}
