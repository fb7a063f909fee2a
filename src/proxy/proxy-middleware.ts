// Request path step 4: forward to the portal with clean headers and the signed identity, streaming
// both ways; a client that goes away aborts the upstream request instead of hurting the process.
import { identityHeaders, type Identity } from './assertion.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { BASELINE_HEADERS } from '../gateway/middleware/security-headers.js';
import type { GatewayDeps } from '../gateway/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../gateway/state.js';
import { errors } from '../errors/certgate-error.js';

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Who the request is for: the session's user on browser routes; on API routes the operator the
 * certificate is registered to (no person, so no user, name or roles).
 */
function identityOf(ctx: GatewayContext): Identity {
  const cert = ctx.state.cert;
  const certValues = cert ? { certSerial: cert.serial, certNotAfter: cert.notAfter.toISOString() } : undefined;
  if (ctx.state.client === 'api') {
    const registration = ctx.state.registration;
    if (!registration || !certValues) throw errors.internal('API proxy reached without a registered certificate');
    return { client: 'api', user: '', userName: '', operator: registration.operatorId, roles: [], ...certValues };
  }
  const session = ctx.state.session;
  if (!session || !certValues) throw errors.internal('proxy reached without a session and a certificate');
  return { client: 'web', user: session.userId, userName: session.name, operator: session.operatorId, roles: session.roles, ...certValues };
}

export function proxyToUpstream(deps: GatewayDeps): GatewayMiddleware {
  const { config, upstream, metrics } = deps;
  return async function proxyMiddleware(ctx) {
    const own = {
      ...identityHeaders(config.secret, identityOf(ctx)),
      'x-forwarded-for': ctx.req.socket.remoteAddress ?? '',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': ctx.get('host'),
      'x-request-id': ctx.state.requestId,
    };
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
        path: ctx.url,
        headers: upstreamRequestHeaders(ctx.req.headers, own),
        body: NO_BODY.has(ctx.method) ? null : ctx.req,
        signal: abort.signal,
        onHeaders: (status, headers) => {
          metrics.upstreamLatency.observe({ status_class: `${Math.floor(status / 100)}xx` }, Number(process.hrtime.bigint() - started) / 1e9);
          ctx.status = status;
          const out = clientResponseHeaders(headers);
          for (const [name, value] of Object.entries(BASELINE_HEADERS)) {
            if (out[name.toLowerCase()] === undefined) out[name.toLowerCase()] = value;
          }
          // The gateway's own (e.g. RateLimit on API routes) win over the upstream's.
          for (const [name, value] of Object.entries(ctx.state.responseHeaders ?? {})) out[name.toLowerCase()] = value;
          ctx.res.writeHead(status, out);
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
