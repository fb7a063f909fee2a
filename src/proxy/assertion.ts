// The upstream assertion v2: an HMAC that binds the identity headers to this one request (method,
// target, request id, forwarded values) and a 30 s window, so the portal can refuse anything that did
// not come through the gateway and any replay of what did. Shared by the gateway (sign) and the
// portal (verify); README "Security" gives the exact signed bytes for upstreams in other languages.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Identity {
  /**
   * `web`: a person with a session (user, name and roles set); `api`: an operator's system on a
   * certificate-only API route (user, name and roles empty, and their headers not sent).
   * Absent when signing means `web`; verifyIdentity always sets it.
   */
  client?: 'web' | 'api';
  user: string;
  /** Display name, percent-encoded on the wire because header values are Latin-1. */
  userName: string;
  operator: string;
  roles: string[];
  certSerial: string;
  /** ISO 8601. */
  certNotAfter: string;
}

export const IDENTITY_HEADERS = {
  user: 'x-certgate-user',
  userName: 'x-certgate-user-name',
  operator: 'x-certgate-operator',
  roles: 'x-certgate-roles',
  certSerial: 'x-certgate-cert-serial',
  certNotAfter: 'x-certgate-cert-not-after',
  client: 'x-certgate-client',
  assertion: 'x-certgate-assertion',
} as const;

export const REQUEST_ID_HEADER = 'x-request-id';
export const FORWARDED_HEADERS = { for: 'x-forwarded-for', host: 'x-forwarded-host', proto: 'x-forwarded-proto' } as const;

const VERSION = 'v2';
const CONTEXT = 'certgate-assertion-v2';
/** Default accepted age of an assertion (CERTGATE_ASSERTION_MAX_AGE). */
export const DEFAULT_MAX_AGE_MS = 30_000;
const ASSERTION = /^v2\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** What the assertion binds besides the identity: the request exactly as the upstream receives it. */
export interface SignedRequest {
  method: string;
  /** Path with query, as the upstream sees it (base path of CERTGATE_UPSTREAM included). */
  target: string;
  requestId: string;
  forwardedFor: string;
  forwardedHost: string;
  forwardedProto: string;
}

/**
 * The exact bytes under the MAC: fixed lines, then every X-Certgate-* header but the assertion as
 * `name:value`, names lower-case and sorted, each line ending in "\n". No value can hold a newline
 * (HTTP forbids it in header values and request targets), so lines cannot be shifted.
 */
export function signedString(ts: number, req: SignedRequest, identity: Record<string, string>): string {
  return signedPrefix(ts, req) + identityLines(identity);
}

const signedPrefix = (ts: number, req: SignedRequest): string =>
  `${CONTEXT}\n${ts}\n${req.method}\n${req.target}\n${req.requestId}\n${req.forwardedFor}\n${req.forwardedHost}\n${req.forwardedProto}\n`;

function identityLines(identity: Record<string, string>): string {
  let out = '';
  for (const name of Object.keys(identity).sort()) out += `${name}:${identity[name]}\n`;
  return out;
}

/**
 * An identity's checked lower-case header names and its signed lines, kept per identity object: the
 * gateway passes the same object for every request of a keep-alive connection (proxy/identity-cache.ts),
 * so only the request's own lines are built per request. Callers never change an identity object.
 */
const prepared = new WeakMap<Record<string, string>, { names: Record<string, string>; lines: string }>();

function preparedIdentity(identity: Record<string, string>): { names: Record<string, string>; lines: string } {
  const hit = prepared.get(identity);
  if (hit) return hit;
  const names: Record<string, string> = {};
  for (const [name, value] of Object.entries(identity)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-certgate-') || lower === IDENTITY_HEADERS.assertion) throw new Error(`not an identity header: ${name}`);
    names[lower] = value;
  }
  const entry = { names, lines: identityLines(names) };
  prepared.set(identity, entry);
  return entry;
}

const mac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/** The web identity as header values (names lower-case). Other identities (e.g. API clients) add their own X-Certgate-* names. */
export function webIdentityHeaders(identity: Identity): Record<string, string> {
  return {
    [IDENTITY_HEADERS.user]: identity.user,
    [IDENTITY_HEADERS.userName]: encodeURIComponent(identity.userName),
    [IDENTITY_HEADERS.operator]: identity.operator,
    [IDENTITY_HEADERS.roles]: identity.roles.join(','),
    [IDENTITY_HEADERS.certSerial]: identity.certSerial,
    [IDENTITY_HEADERS.certNotAfter]: identity.certNotAfter,
    [IDENTITY_HEADERS.client]: 'web',
  };
}

/** What an API client is: the operator its certificate is registered to (no person, so no user, name or roles). */
export interface ApiIdentity {
  operator: string;
  certSerial: string;
  /** ISO 8601. */
  certNotAfter: string;
}

/** The API identity as header values: operator, certificate, and `X-Certgate-Client: api`. */
export function apiIdentityHeaders(identity: ApiIdentity): Record<string, string> {
  return {
    [IDENTITY_HEADERS.operator]: identity.operator,
    [IDENTITY_HEADERS.certSerial]: identity.certSerial,
    [IDENTITY_HEADERS.certNotAfter]: identity.certNotAfter,
    [IDENTITY_HEADERS.client]: 'api',
  };
}

/**
 * Every header the gateway sends upstream for this request: the identity headers given (any list of
 * X-Certgate-* names), X-Request-Id, X-Forwarded-*, and the assertion over all of them.
 */
export function signUpstreamHeaders(key: Buffer, req: SignedRequest, identity: Record<string, string>, now = Date.now()): Record<string, string> {
  const { names, lines } = preparedIdentity(identity);
  const ts = Math.floor(now / 1000);
  const signature = mac(key, signedPrefix(ts, req) + lines).toString('base64url');
  return {
    ...names,
    [REQUEST_ID_HEADER]: req.requestId,
    [FORWARDED_HEADERS.for]: req.forwardedFor,
    [FORWARDED_HEADERS.host]: req.forwardedHost,
    [FORWARDED_HEADERS.proto]: req.forwardedProto,
    [IDENTITY_HEADERS.assertion]: `${VERSION}.${ts}.${signature}`,
  };
}

type HeaderBag = Record<string, string | string[] | undefined>;
const single = (headers: HeaderBag, name: string): string | undefined => {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
};

export interface VerifiedAssertion {
  /** Unix seconds of signing. */
  ts: number;
  requestId: string;
  /** Every X-Certgate-* header covered by the MAC (lower-case names), assertion excluded. */
  identity: Record<string, string>;
}

/**
 * Stateless check of one request's assertion: MAC over this method, target and headers, within
 * `maxAgeMs` of `now` either way. Replay (a second use of the request id) is AssertionVerifier's job.
 */
export function checkAssertion(
  key: Buffer,
  request: { method: string; url: string; headers: HeaderBag },
  now = Date.now(),
  maxAgeMs = DEFAULT_MAX_AGE_MS,
): VerifiedAssertion | undefined {
  const match = ASSERTION.exec(single(request.headers, IDENTITY_HEADERS.assertion) ?? '');
  if (!match) return undefined;
  const ts = Number(match[1]);
  if (Math.abs(now - ts * 1000) > maxAgeMs) return undefined;
  const requestId = single(request.headers, REQUEST_ID_HEADER);
  const fwd = [FORWARDED_HEADERS.for, FORWARDED_HEADERS.host, FORWARDED_HEADERS.proto].map((n) => single(request.headers, n));
  if (!requestId || fwd.some((v) => v === undefined)) return undefined;
  const identity: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!name.startsWith('x-certgate-') || name === IDENTITY_HEADERS.assertion) continue;
    if (typeof value !== 'string') return undefined; // a repeated header is never what the gateway sent
    identity[name] = value;
  }
  const text = signedString(
    ts,
    { method: request.method, target: request.url, requestId, forwardedFor: fwd[0]!, forwardedHost: fwd[1]!, forwardedProto: fwd[2]! },
    identity,
  );
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = mac(key, text);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { ts, requestId, identity };
}

/**
 * The identity of verified headers: a web identity (client `web`, the header absent or `web`) or
 * an API client's (client `api`: user, name and roles empty); undefined when a header it needs is
 * missing or anything else is claimed.
 */
export function identityOf(verified: VerifiedAssertion): Identity | undefined {
  const client = verified.identity[IDENTITY_HEADERS.client] ?? 'web';
  if (client === 'api') return apiIdentityOf(verified);
  if (client !== 'web') return undefined;
  const h = verified.identity;
  const user = h[IDENTITY_HEADERS.user];
  const userNameRaw = h[IDENTITY_HEADERS.userName];
  const operator = h[IDENTITY_HEADERS.operator];
  const roles = h[IDENTITY_HEADERS.roles];
  const certSerial = h[IDENTITY_HEADERS.certSerial];
  const certNotAfter = h[IDENTITY_HEADERS.certNotAfter];
  if (user === undefined || userNameRaw === undefined || operator === undefined || roles === undefined || certSerial === undefined || certNotAfter === undefined) {
    return undefined;
  }
  let userName: string;
  try {
    userName = decodeURIComponent(userNameRaw);
  } catch {
    return undefined;
  }
  return { client: 'web', user, userName, operator, roles: roles ? roles.split(',') : [], certSerial, certNotAfter };
}

function apiIdentityOf(verified: VerifiedAssertion): Identity | undefined {
  const h = verified.identity;
  const operator = h[IDENTITY_HEADERS.operator];
  const certSerial = h[IDENTITY_HEADERS.certSerial];
  const certNotAfter = h[IDENTITY_HEADERS.certNotAfter];
  // A person's headers on an API identity would be a contradiction: refuse rather than guess.
  if (operator === undefined || certSerial === undefined || certNotAfter === undefined) return undefined;
  if (h[IDENTITY_HEADERS.user] !== undefined || h[IDENTITY_HEADERS.roles] !== undefined) return undefined;
  return { client: 'api', user: '', userName: '', operator, roles: [], certSerial, certNotAfter };
}
