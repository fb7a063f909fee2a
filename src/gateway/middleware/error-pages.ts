// Turns every error into a page the user can act on (never a stack trace) and counts store failures.
import { gatewayPages } from '../../pages/gateway-pages.js';
import { isCertgateError, type CertgateError } from '../../errors/certgate-error.js';
import { isStoreFailure } from '../../store/store-failure.js';
import { pageFrame, sendPage } from '../respond.js';
import type { GatewayDeps } from '../deps.js';
import type { GatewayContext, GatewayMiddleware } from '../state.js';

type SystemReason = Parameters<typeof gatewayPages.systemError>[1]['reason'];

const BY_CODE: Partial<Record<CertgateError['code'], { status: number; reason: SystemReason }>> = {
  STORE_UNAVAILABLE: { status: 503, reason: 'store-unavailable' },
  UPSTREAM_REFUSED: { status: 502, reason: 'upstream-refused' },
  UPSTREAM_TIMEOUT: { status: 504, reason: 'upstream-timeout' },
  OVERLOADED: { status: 503, reason: 'overloaded' },
  CSRF_REJECTED: { status: 403, reason: 'csrf' },
  BODY_TOO_LARGE: { status: 413, reason: 'internal' },
};

export function errorPages(deps: GatewayDeps): GatewayMiddleware {
  return async function errorPagesMiddleware(ctx, next) {
    try {
      await next();
    } catch (err) {
      renderError(ctx, deps, err);
    }
  };
}

/**
 * Status and reason for an error (shared with the API routes' problem+json answers), counted and
 * logged once; false when the response is already under way (the socket is then cut).
 */
export function classifyError(ctx: GatewayContext, deps: GatewayDeps, err: unknown): { status: number; reason: SystemReason; storeFailure: boolean } | false {
  const storeFailure = (isCertgateError(err) && err.code === 'STORE_UNAVAILABLE') || isStoreFailure(err);
  const mapped = storeFailure
    ? BY_CODE.STORE_UNAVAILABLE!
    : isCertgateError(err)
      ? (BY_CODE[err.code] ?? { status: err.status >= 400 ? err.status : 500, reason: 'internal' as const })
      : { status: 500, reason: 'internal' as const };
  ctx.state.outcome = mapped.reason;
  if (storeFailure) deps.metrics.redisErrors.inc({ operation: 'request' });
  if (mapped.status >= 500 && mapped.reason === 'internal') {
    deps.logger.error({ err, requestId: ctx.state.requestId }, 'unexpected error');
  } else if (storeFailure) {
    deps.logger.warn({ requestId: ctx.state.requestId, err: { message: (err as Error).message } }, 'store unavailable');
  }
  if (ctx.headerSent || !ctx.writable) {
    ctx.req.socket.destroy();
    return false;
  }
  return { ...mapped, storeFailure };
}

export function renderError(ctx: GatewayContext, deps: GatewayDeps, err: unknown): void {
  const classified = classifyError(ctx, deps, err);
  if (!classified) return;
  const { storeFailure, ...mapped } = classified;
  if (mapped.status === 503) ctx.set('Retry-After', '5');
  // No CSRF token on a store outage: issuing one would not touch Redis, but keep the page inert.
  const html = gatewayPages.systemError(pageFrame(ctx, deps, { csrf: !storeFailure }), {
    reason: mapped.reason,
    requestId: ctx.state.requestId,
  });
  sendPage(ctx, mapped.status, html);
}
