// Every route of the mTLS listener and its middleware chain, in request order, in one table (the
// map the README's "Layout" points to): certificate gate → maintenance → session → handler or proxy;
// API routes (CERTGATE_API_PREFIX): certificate gate → maintenance → rate limit → proxy, no session.
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
import { submitRenewal } from '../auth/renewal-handler.js';
import { proxyToUpstream } from '../proxy/proxy-middleware.js';
import { apiRequest } from './middleware/api-request.js';
import { apiRateLimit } from '../api/rate-limit.js';
import { isApiPath } from '../config/api-settings.js';
import { requireRole } from '../admin/access.js';
import { multipartBody } from '../admin/multipart.js';
import { USER_ACTIONS, listUsers, showNewUser, showUser, submitNewUser, userAction } from '../admin/user-handlers.js';
import { listCertificates, showAudit } from '../admin/certificate-handlers.js';
import { listApplications, submitApplication, withdrawApplication } from '../admin/application-handlers.js';
import { decide, showReview } from '../admin/review-handlers.js';
import type { GatewayDeps } from './deps.js';
import type { GatewayMiddleware, GatewayState } from './state.js';

type Method = 'GET' | 'POST' | 'ALL';

/** Everything outside /auth/ is the portal: the proxied route below, the hot path. */
export const PROXIED = '/{*rest}';

/** The certificate-only API route for a prefix such as `/api/`. */
export const apiRoute = (prefix: string): string => `${prefix}{*rest}`;

type Route = [Method, string, GatewayMiddleware[]];

export function routeTable(deps: GatewayDeps): Route[] {
  const gate = certificateGate(deps);
  const maintenance = maintenanceGate(deps);
  const form = formBody();
  const csrf = verifyCsrf(deps);
  const api = deps.config.api.prefix;
  const session = requireSession(deps);
  const admin = requireRole(deps, 'operator-admin');
  const reviewer = requireRole(deps, 'market-reviewer');
  const multipart = multipartBody();
  // prettier-ignore
  return [
    // Static CSS/JS of the pages, public: the certificate-refused page needs its stylesheet too.
    ['GET',  '/auth/assets/:name', [serveAssets('/auth/assets/')]],
    // Shows the presented certificate even when it is unregistered or expired (manual, chapter 7).
    ['GET',  '/auth/cert',         [certificateGate(deps, { informational: true }), showCertInfo(deps)]],
    // Renewal: apply to register the presented (unregistered) certificate after a password check.
    ['POST', '/auth/cert',         [certificateGate(deps, { informational: true }), maintenance, form, csrf, submitRenewal(deps)]],
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
    // Operator administration (operator-admin, own operator only) and the market operator's review.
    ['GET',  '/auth/admin/users',                      [gate, maintenance, session, admin, listUsers(deps)]],
    ['GET',  '/auth/admin/users/new',                  [gate, maintenance, session, admin, showNewUser(deps)]],
    ['POST', '/auth/admin/users/new',                  [gate, maintenance, session, admin, form, csrf, submitNewUser(deps)]],
    ['GET',  '/auth/admin/users/:userId',              [gate, maintenance, session, admin, showUser(deps)]],
    ...USER_ACTIONS.map((action): Route => ['POST', `/auth/admin/users/:userId/${action}`, [gate, maintenance, session, admin, form, csrf, userAction(deps, action)]]),
    ['GET',  '/auth/admin/certificates',               [gate, maintenance, session, admin, listCertificates(deps)]],
    ['GET',  '/auth/admin/applications',               [gate, maintenance, session, admin, listApplications(deps)]],
    ['POST', '/auth/admin/applications',               [gate, maintenance, session, admin, multipart, csrf, submitApplication(deps)]],
    ['POST', '/auth/admin/applications/:id/withdraw',  [gate, maintenance, session, admin, form, csrf, withdrawApplication(deps)]],
    ['GET',  '/auth/admin/audit',                      [gate, maintenance, session, admin, showAudit(deps)]],
    ['GET',  '/auth/review/applications',              [gate, maintenance, session, reviewer, showReview(deps)]],
    ['POST', '/auth/review/applications',              [gate, maintenance, session, reviewer, form, csrf, decide(deps)]],
    ['POST', '/auth/review/applications/:id/approve',  [gate, maintenance, session, reviewer, form, csrf, decide(deps, 'approve')]],
    ['POST', '/auth/review/applications/:id/reject',   [gate, maintenance, session, reviewer, form, csrf, decide(deps, 'reject')]],
    ['ALL',  '/auth/{*rest}',      [gate, maintenance, notFoundPage(deps)]],
    ['ALL',  PROXIED,              [gate, maintenance, requireSession(deps), proxyToUpstream(deps)]],
    // Systems of business operators: an `api` certificate and nothing else; refusals are problem+json.
    ...(api ? [['ALL', apiRoute(api), [apiRequest(deps), gate, maintenance, apiRateLimit(deps), proxyToUpstream(deps)]] satisfies Route] : []),
  ];
}

/**
 * The dispatcher for the table: /auth/* through the router, everything else straight into the
 * proxied chain (composed once), so the hot path pays for no route matching.
 */
export function buildRoutes(deps: GatewayDeps): GatewayMiddleware {
  const router = new Router<GatewayState>();
  const prefix = deps.config.api.prefix;
  let proxied: GatewayMiddleware | undefined;
  let api: GatewayMiddleware | undefined;
  for (const [method, path, chain] of routeTable(deps)) {
    if (path === PROXIED) proxied = compose(chain);
    else if (prefix && path === apiRoute(prefix)) api = compose(chain);
    else if (method === 'GET') router.get(path, ...chain);
    else if (method === 'POST') router.post(path, ...chain);
    else router.all(path, ...chain);
  }
  if (!proxied) throw new Error('route table has no proxied route');
  const portal = proxied;
  const auth = compose([router.routes(), router.allowedMethods()]) as GatewayMiddleware;
  if (prefix && api) {
    const apiChain = api;
    return function dispatchRoute(ctx, next) {
      if (ctx.path.startsWith('/auth/')) return auth(ctx, next);
      return isApiPath(prefix, ctx.path) ? apiChain(ctx, next) : portal(ctx, next);
    };
  }
  return function dispatchRoute(ctx, next) {
    return ctx.path.startsWith('/auth/') ? auth(ctx, next) : portal(ctx, next);
  };
}
