// Request path step 4: forward to the portal with clean headers and the signed identity, streaming
// both ways; a client that goes away aborts the upstream request instead of hurting the process.
import type { Socket } from 'node:net';
import { apiIdentityHeaders, signUpstreamHeaders } from './assertion.js';
import { identityHeadersOf } from './identity-cache.js';
import type { CertificateFacts, SessionRecord } from '../kernel/facts.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { clientWentAway } from './upstream.js';
import type { GatewayDeps } from '../kernel/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../kernel/state.js';
import { errors } from '../errors/certgate-error.js';
import { handoffOf } from '../kernel/handoff.js';

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/**
 * Headers the gateway set on this response before proxying that may stay on a proxied one: HSTS
 * belongs to whoever terminates TLS, the request id helps support. Everything else the gateway's
 * own pages carry (its CSP, X-Frame-Options…) would break the portal's pages and is removed.
 */
export const KEPT_GATEWAY_HEADERS = new Set(['strict-transport-security', 'x-request-id', 'set-cookie']);

/** The listener's own address, when CERTGATE_PUBLIC_HOST is not set (never the client's Host). */
function listenerHost(socket: Socket): string {
  const address = (socket.localAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return `${address.includes(':') ? `[${address}]` : address}:${socket.localPort ?? ''}`;
}

/** What the signed upstream headers of one request are made of. */
export interface ProxiedRequest {
  method: string;
  target: string;
  requestId: string;
  socket: Socket;
  cert: CertificateFacts;
  /** Browser routes: the session's user (identity headers cached per socket, see identity-cache.ts). */
  session?: SessionRecord;
  /** API routes: the operator the certificate is registered to (no person, so no user, name or roles). */
  apiOperator?: string;
}

/** The gateway's own upstream headers for one request: identity, request id, X-Forwarded-*, assertion. */
export function signedHeadersFor(deps: GatewayDeps, r: ProxiedRequest): Record<string, string> {
  let identity: Record<string, string>;
  if (r.apiOperator !== undefined) identity = apiIdentityHeaders({ operator: r.apiOperator, certSerial: r.cert.serial, certNotAfter: r.cert.notAfter.toISOString() });
  else if (r.session) identity = identityHeadersOf(r.socket, r.session, r.cert);
  else throw errors.internal('proxy reached without a session or an API registration');
  return signUpstreamHeaders(
    deps.config.keys.assertion,
    {
      method: r.method,
      target: r.target,
      requestId: r.requestId,
      forwardedFor: r.socket.remoteAddress ?? '',
      forwardedHost: deps.config.publicHost ?? listenerHost(r.socket),
      forwardedProto: 'https',
    },
    identity,
  );
}

/**
 * Who the request is for: the session's user on browser routes; on API routes the operator the
 * certificate is registered to.
 */
function upstreamHeaders(ctx: GatewayContext, deps: GatewayDeps, target: string): Record<string, string> {
  const cert = ctx.state.cert;
  const base = { method: ctx.method, target, requestId: ctx.state.requestId, socket: ctx.req.socket };
  if (ctx.state.client === 'api') {
    const registration = ctx.state.registration;
    if (!registration || !cert) throw errors.internal('API proxy reached without a registered certificate');
    return signedHeadersFor(deps, { ...base, cert, apiOperator: registration.operatorId });
  }
  const session = ctx.state.session;
  if (!session || !cert) throw errors.internal('proxy reached without a session and a certificate');
  return signedHeadersFor(deps, { ...base, cert, session });
}

export function proxyToUpstream(deps: GatewayDeps): GatewayMiddleware {
  const { upstream, metrics } = deps;
  return async function proxyMiddleware(ctx) {
    // ctx.url is origin-form with dot segments resolved (gateway/middleware/request-target.ts).
    // The fast path already tried this request and the upstream failed before answering: render that.
    const handoff = handoffOf(ctx.req);
    if (handoff && 'upstreamError' in handoff) throw handoff.upstreamError;
    const target = upstream.targetFor(ctx.url);
    const own = upstreamHeaders(ctx, deps, target);
    ctx.respond = false;
    const started = process.hrtime.bigint();
    try {
      await upstream.forward({
        method: ctx.method,
        path: target,
        headers: upstreamRequestHeaders(ctx.req.headers, own),
        body: NO_BODY.has(ctx.method) ? null : ctx.req,
        client: ctx.res,
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
      if (clientWentAway(err)) {
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
    }
  };
}
