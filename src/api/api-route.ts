// The first and the last-but-one steps of an API route (CERTGATE_API_PREFIX): mark the request as an
// API client's, so every refusal after it is problem+json instead of a page, and refuse paths with
// dot segments, which an upstream could resolve to a browser page outside the prefix.
import { classifyError } from '../gateway/middleware/error-pages.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayMiddleware } from '../gateway/state.js';
import { problemFor, sendProblem, type ApiReason } from './problem.js';

/** `.` / `..` segments, also percent-encoded, and encoded slashes or backslashes. */
const UNSAFE_PATH = /(^|\/)(\.|%2e){1,2}(\/|$)|%2f|%5c|\\/i;

export function apiRequest(deps: GatewayDeps): GatewayMiddleware {
  return async function apiRequestMiddleware(ctx, next) {
    ctx.state.client = 'api';
    try {
      await next();
    } catch (err) {
      const classified = classifyError(ctx, deps, err);
      if (!classified) return;
      // CSRF and body-size errors cannot happen on this route; anything unknown is "internal".
      const reason: ApiReason = classified.reason === 'csrf' ? 'internal' : classified.reason;
      sendProblem(ctx, problemFor(reason, ctx.state.lang, { status: classified.status }));
    }
  };
}

export function apiPathCheck(): GatewayMiddleware {
  return async function apiPathCheckMiddleware(ctx, next) {
    if (UNSAFE_PATH.test(ctx.path)) {
      ctx.state.outcome = 'bad-request';
      sendProblem(ctx, problemFor('bad-request', ctx.state.lang));
      return;
    }
    await next();
  };
}
