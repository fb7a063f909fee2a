// Request path step 4: forward to the portal with clean headers and the signed identity, streaming
// both ways; a client that goes away aborts the upstream request instead of hurting the process.
import type { Socket } from 'node:net';
import { apiIdentityHeaders, signUpstreamHeaders, webIdentityHeaders } from './assertion.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';
import { errors } from '../errors/certgate-error.js';

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/**
 * Headers the gateway set on this response before proxying that may stay on a proxied one: HSTS
 * belongs to whoever terminates TLS, the request id helps support. Everything else the gateway's
 * own pages carry (its CSP, X-Frame-Options…) would break the portal's pages and is removed.
 */
const KEPT_GATEWAY_HEADERS = new Set(['strict-transport-security', 'x-request-id', 'set-cookie']);

/** The listener's own address, when CERTGATE_PUBLIC_HOST is not set (never the client's Host). */
function listenerHost(socket: Socket): string {
  const address = (socket.localAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return `${address.includes(':') ? `[${address}]` : address}:${socket.localPort ?? ''}`;
}

/**
 * Who the request is for: the session's user on browser routes; on API routes the operator the
 * certificate is registered to (no person, so no user, name or roles).
 */
function identityHeaders(ctx: GatewayContext): Record<string, string> {
  const cert = ctx.state.cert;
  if (ctx.state.client === 'api') {
    const registration = ctx.state.registration;
    if (!registration || !cert) throw errors.internal('API proxy reached without a registered certificate');
    return apiIdentityHeaders({ operator: registration.operatorId, certSerial: cert.serial, certNotAfter: cert.notAfter.toISOString() });
  }
  const session = ctx.state.session;
  if (!session || !cert) throw errors.internal('proxy reached without a session and a certificate');
  return webIdentityHeaders({
    user: session.userId,
    userName: session.name,
    operator: session.operatorId,
    roles: session.roles,
    certSerial: cert.serial,
    certNotAfter: cert.notAfter.toISOString(),
  });
}

function upstreamHeaders(ctx: GatewayContext, deps: GatewayDeps, target: string): Record<string, string> {
  return signUpstreamHeaders(
    deps.config.keys.assertion,
    {
      method: ctx.method,
      target,
      requestId: ctx.state.requestId,
      forwardedFor: ctx.req.socket.remoteAddress ?? '',
      forwardedHost: deps.config.publicHost ?? listenerHost(ctx.req.socket),
      forwardedProto: 'https',
    },
    identityHeaders(ctx),
  );
}

export function proxyToUpstream(deps: GatewayDeps): GatewayMiddleware {
  const { upstream, metrics } = deps;
  return async function proxyMiddleware(ctx) {
    // ctx.url is origin-form with dot segments resolved (gateway/middleware/request-target.ts).
    const target = upstream.targetFor(ctx.url);
    const own = upstreamHeaders(ctx, deps, target);
    const abort = new AbortController();
    const onClose = () => {
      if (!ctx.res.writableFinished) abort.abort();
    };
    ctx.res.once('close', onClose);
    ctx.respond = false;
    const started = process.hrtime.bigint();
    try {
      await upstream.forward({
        method: ctx.method,
        path: target,
        headers: upstreamRequestHeaders(ctx.req.headers, own),
        body: NO_BODY.has(ctx.method) ? null : ctx.req,
        signal: abort.signal,
        onHeaders: (status, headers) => {
          metrics.upstreamLatency.observe({ status_class: `${Math.floor(status / 100)}xx` }, Number(process.hrtime.bigint() - started) / 1e9);
          ctx.status = status;
          for (const name of ctx.res.getHeaderNames()) if (!KEPT_GATEWAY_HEADERS.has(name)) ctx.res.removeHeader(name);
          // writeHead's values take precedence over the kept ones: the upstream's header always wins.
          // …except the gateway's own for this route (e.g. RateLimit on API routes).
          ctx.res.writeHead(status, { ...clientResponseHeaders(headers), ...ctx.state.responseHeaders });
          return ctx.res;
        },
      });
      ctx.state.outcome = 'proxied';
    } catch (err) {
      if (abort.signal.aborted) {
        ctx.state.outcome = 'client-aborted';
        return;
      }
      if (ctx.res.headersSent) {
        // Too late for an error page: cut the response so the client sees it incomplete.
        ctx.state.outcome = 'upstream-aborted';
        ctx.res.destroy();
        return;
      }
      ctx.respond = true;
      throw err;
    } finally {
      ctx.res.off('close', onClose);
    }
  };
}
