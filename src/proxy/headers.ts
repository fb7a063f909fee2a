// Header hygiene between client and upstream: hop-by-hop headers, Expect, every header named in
// Connection, every client header with `_` in its name, and every client-sent X-Certgate-* /
// X-Forwarded-* / Forwarded are removed before the gateway sets its own; the gateway's cookies never
// leave it in either direction.
import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
  // Node answers 100-continue itself; undici refuses to send Expect at all (that was a 500).
  'expect',
]);

/**
 * Client headers that only the gateway may set. A name with `_` is dropped whatever it says (nginx's
 * default): WSGI/CGI upstreams read `X_Certgate_User` and `X-Certgate-User` as the same variable.
 */
const GATEWAY_OWNED = (name: string): boolean =>
  name.includes('_') ||
  name.startsWith('x-certgate-') ||
  name.startsWith('x-forwarded-') ||
  name === 'forwarded' ||
  name === 'x-real-ip' ||
  name === 'x-request-id';

export const GATEWAY_COOKIE_PREFIX = '__Host-certgate-';

const NONE: ReadonlySet<string> = new Set();

function connectionListed(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers.connection;
  if (value === undefined) return NONE;
  const listed = new Set<string>();
  for (const part of (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',')) {
    const name = part.trim().toLowerCase();
    if (name) listed.add(name);
  }
  return listed;
}

/** Cookie header without the gateway's own cookies (the session id must not reach the portal). */
function stripGatewayCookies(cookie: string): string | undefined {
  const kept = cookie
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith(GATEWAY_COOKIE_PREFIX));
  return kept.length > 0 ? kept.join('; ') : undefined;
}

export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, own: Record<string, string>): Record<string, string | string[]> {
  const listed = connectionListed(incoming);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || GATEWAY_OWNED(name)) continue;
    if (name === 'cookie') {
      const cookie = stripGatewayCookies(Array.isArray(value) ? value.join('; ') : value);
      if (cookie) out.cookie = cookie;
      continue;
    }
    out[name] = value;
  }
  return Object.assign(out, own);
}

/** Upstream response headers fit to pass to the client. */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const listed = connectionListed(upstream as IncomingHttpHeaders);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (name === 'set-cookie') {
      // The upstream may set its own cookies, never the gateway's session or CSRF cookie.
      const cookies = (Array.isArray(value) ? value : [value]).filter((c) => !c.trimStart().startsWith(GATEWAY_COOKIE_PREFIX));
      if (cookies.length > 0) out[name] = cookies;
      continue;
    }
    out[name] = value;
  }
  return out;
}
