// Security headers on every page the gateway itself renders (proxied responses get theirs in proxy/).
import type { GatewayMiddleware } from '../state.js';

export const GATEWAY_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const BASELINE_HEADERS: Record<string, string> = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
};

export function securityHeaders(): GatewayMiddleware {
  return async function securityHeadersMiddleware(ctx, next) {
    ctx.set(BASELINE_HEADERS);
    ctx.set('Content-Security-Policy', GATEWAY_CSP);
    await next();
  };
}
