// Request targets before any routing: only origin-form (`/path?query`) goes further, with dot
// segments resolved, so a client can neither pick a virtual host behind the gateway (absolute-form)
// nor climb out of the upstream's base path; CONNECT, TRACE and `OPTIONS *` get a clean 4xx page.
import { gatewayPages } from '../../pages/gateway-pages.js';
import { pageFrame, sendPage } from '../respond.js';
import { isApiPath } from '../../config/api-settings.js';
import { problemFor, sendProblem } from '../../api/problem.js';
import type { GatewayDeps } from '../deps.js';
import type { GatewayContext, GatewayMiddleware } from '../state.js';

const REFUSED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
/** A segment that is, or may decode to, `.` or `..`; a backslash (WHATWG reads it as `/`); an encoded slash. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)|\\|%2f|%5c/i;

export type TargetVerdict = { ok: true; target: string } | { ok: false; status: 400 | 405 };

/** The origin-form target to use, or why the request is refused. Pure, for tests. */
export function normaliseTarget(method: string, rawUrl: string): TargetVerdict {
  if (REFUSED_METHODS.has(method.toUpperCase())) return { ok: false, status: 405 };
  if (!rawUrl.startsWith('/')) return { ok: false, status: 400 }; // absolute-form, `*`, authority-form
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  if (!DOT_SEGMENT.test(rawPath)) return { ok: true, target: rawUrl };
  let url: URL;
  try {
    // Concatenated, not resolved against a base: `//host/x` must stay a path, never become a host.
    url = new URL(`http://gateway.invalid${rawUrl}`);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.host !== 'gateway.invalid') return { ok: false, status: 400 };
  // What is left may still hide a dot segment behind an encoded slash (`..%2f`): refuse that outright.
  for (const segment of url.pathname.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { ok: false, status: 400 };
    }
    if (decoded.split(/[/\\]/).some((part) => part === '.' || part === '..')) return { ok: false, status: 400 };
  }
  return { ok: true, target: url.pathname + url.search };
}

export function requestTarget(deps: GatewayDeps): GatewayMiddleware {
  const apiPrefix = deps.config.api.prefix;
  return async function requestTargetMiddleware(ctx: GatewayContext, next) {
    const verdict = normaliseTarget(ctx.method, ctx.url);
    // Under the API prefix nothing is rewritten: a target that needs resolving could leave the
    // prefix for a browser route, so it is refused, and as problem+json like every API refusal.
    if (apiPrefix && isApiPath(apiPrefix, ctx.path) && (!verdict.ok || verdict.target !== ctx.url)) {
      ctx.state.client = 'api';
      ctx.state.outcome = 'bad-request';
      const status = verdict.ok ? 400 : verdict.status;
      if (status === 405) ctx.set('Allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
      sendProblem(ctx, problemFor('bad-request', ctx.state.lang, { status }));
      return;
    }
    if (!verdict.ok) {
      ctx.state.outcome = 'bad-request';
      if (verdict.status === 405) ctx.set('Allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
      sendPage(ctx, verdict.status, gatewayPages.systemError({ ...pageFrame(ctx, deps, { csrf: false }), path: '/' }, { reason: 'bad-request', requestId: ctx.state.requestId }));
      return;
    }
    if (verdict.target !== ctx.url) ctx.url = verdict.target;
    await next();
  };
}
