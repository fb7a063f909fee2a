// One log line and one metric per request: id, method, path, status, outcome, serial, user, latency.
import { randomUUID } from 'node:crypto';
import type { GatewayDeps } from '../deps.js';
import type { GatewayMiddleware } from '../state.js';

export function requestLog(deps: GatewayDeps): GatewayMiddleware {
  const { logger, metrics } = deps;
  return async function requestLogMiddleware(ctx, next) {
    const started = process.hrtime.bigint();
    ctx.state.requestId = randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    try {
      await next();
    } finally {
      const outcome = ctx.state.outcome ?? (ctx.status >= 500 ? 'error' : 'auth-page');
      metrics.requests.inc({ outcome });
      metrics.requestsByUsage.inc({ usage: ctx.state.client ?? 'web', outcome });
      const line = {
        requestId: ctx.state.requestId,
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        outcome,
        ...(ctx.state.client === 'api' ? { client: 'api', operator: ctx.state.registration?.operatorId } : {}),
        serial: ctx.state.cert?.serial,
        user: ctx.state.session?.userId,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      };
      if (ctx.status >= 500) logger.warn(line, 'request');
      else logger.info(line, 'request');
    }
  };
}
