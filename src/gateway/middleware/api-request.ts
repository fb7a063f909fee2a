// The first step of an API route (CERTGATE_API_PREFIX): mark the request as an API client's, so every
// refusal after it is problem+json instead of a page. (Targets with dot segments never get here:
// request-target.ts refuses them under the prefix.)
import { classifyError } from './error-pages.js';
import type { GatewayDeps } from '../deps.js';
import type { GatewayMiddleware } from '../state.js';
import { problemFor, sendProblem, type ApiReason } from '../../api/problem.js';

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
