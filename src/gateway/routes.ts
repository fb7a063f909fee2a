// Every route of the mTLS listener and its middleware chain, in request order, in one table (ARCHITECTURE.md
// "Request path"): certificate gate → maintenance → session → handler or proxy;
// API routes (CERTGATE_API_PREFIX): certificate gate → maintenance → rate limit → proxy, no session.
import Router from '@koa/router';
import compose from 'koa-compose';
import { certificateGate } from './middleware/certificate-gate.js';
import { maintenanceGate } from './middleware/maintenance-gate.js';
import { serveAssets } from '../pages/serve-assets.js';
import { notFoundPage } from './middleware/not-found.js';
import { requireSession } from '../auth/session-step.js';
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
import type { GatewayMiddleware, GatewayState } from '../kernel/state.js';

type Method = 'GET' | 'POST' | 'ALL';

/** Everything outside /auth/ is the portal: the proxied route below, the hot path. */
export const PROXIED = '/{*rest}';
const AUTH_PREFIX = '/auth/';

/**
 * Which route of the table a path takes: /auth/* pages, the API route (when CERTGATE_API_PREFIX is
 * set), or the PROXIED portal route. The koa dispatcher below and the proxied fast path (fast-path.ts,
 * the PROXIED route's steps compiled without a koa context) both decide with this one function.
 */
export function routeKindOf(apiPrefix: string | undefined): (path: string) => 'auth' | 'api' | 'proxied' {
  return (path) => (path.startsWith(AUTH_PREFIX) ? 'auth' : apiPrefix && isApiPath(apiPrefix, path) ? 'api' : 'proxied');
}

/** The certificate-only API route for a prefix such as `/api/`. */
export const apiRoute = (prefix: string): string => `${prefix}{*rest}`;

type Route = [Method, string, GatewayMiddleware[]];

export function routeTable(deps: GatewayDeps): Route[] {
  const gate = certificateGate(deps);
  const maintenance = maintenanceGate(deps);
  const form = formBody();
  const csrf = verifyCsrf(deps);
  // The password pages must stay reachable while the forced change is pending.
  const passwordSession = requireSession(deps, { allowMustChange: true });
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
    ['GET',  '/auth/password',     [gate, maintenance, passwordSession, showPasswordChange(deps)]],
    ['POST', '/auth/password',     [gate, maintenance, form, csrf, passwordSession, submitPasswordChange(deps)]],
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
    // The hot path. fast-path.ts runs these same four steps without koa when each one passes, and
    // hands the request to this chain (with what it already read) as soon as one would not.
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
  const apiChain = api;
  const kindOf = routeKindOf(prefix && api ? prefix : undefined);
  return function dispatchRoute(ctx, next) {
    const kind = kindOf(ctx.path);
    return kind === 'proxied' ? portal(ctx, next) : kind === 'api' && apiChain ? apiChain(ctx, next) : auth(ctx, next);
  };
}
