// The upstream assertion: an HMAC over the identity headers, so the portal can refuse any request
// that did not pass through the gateway. Shared by the gateway (sign) and the portal (verify).
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

/** Headers an `api` identity leaves out (there is no person behind it). */
const PERSON_ONLY = ['user', 'userName', 'roles'] as const;

const VERSION = 'v1';
/** An assertion older (or newer) than this is refused, which bounds replay of a captured one. */
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

function mac(secret: Buffer, timestamp: number, values: Record<keyof Omit<typeof IDENTITY_HEADERS, 'assertion'>, string>): Buffer {
  // Length-prefixed fields: no value can be shifted into its neighbour to forge another identity.
  const fields = [VERSION, String(timestamp), values.user, values.userName, values.operator, values.roles, values.certSerial, values.certNotAfter, values.client];
  const h = createHmac('sha256', secret);
  for (const f of fields) h.update(`${Buffer.byteLength(f)}:${f};`);
  return h.digest();
}

/** The header values to send upstream, assertion included. */
export function identityHeaders(secret: Buffer, identity: Identity, now = Date.now()): Record<string, string> {
  const client = identity.client ?? 'web';
  const api = client === 'api';
  const values = {
    user: api ? '' : identity.user,
    userName: api ? '' : encodeURIComponent(identity.userName),
    operator: identity.operator,
    roles: api ? '' : identity.roles.join(','),
    certSerial: identity.certSerial,
    certNotAfter: identity.certNotAfter,
    client,
  };
  const ts = Math.floor(now / 1000);
  const signature = mac(secret, ts, values).toString('base64url');
  const headers: Record<string, string> = {};
  for (const [field, name] of Object.entries(IDENTITY_HEADERS) as Array<[keyof typeof IDENTITY_HEADERS, string]>) {
    if (field === 'assertion' || (api && (PERSON_ONLY as readonly string[]).includes(field))) continue;
    headers[name] = values[field];
  }
  headers[IDENTITY_HEADERS.assertion] = `${VERSION}.${ts}.${signature}`;
  return headers;
}

type HeaderBag = Record<string, string | string[] | undefined>;
const single = (headers: HeaderBag, name: string): string | undefined => {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
};

/** The identity carried by verified headers, or undefined when anything is missing, stale or forged. */
export function verifyIdentity(secret: Buffer, headers: HeaderBag, now = Date.now(), maxSkewMs = DEFAULT_MAX_SKEW_MS): Identity | undefined {
  const assertion = single(headers, IDENTITY_HEADERS.assertion);
  const match = assertion ? /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(assertion) : null;
  if (!match) return undefined;
  const ts = Number(match[1]);
  if (Math.abs(now - ts * 1000) > maxSkewMs) return undefined;
  // A missing client header means `web`; the MAC covers the value either way.
  const client = single(headers, IDENTITY_HEADERS.client) ?? 'web';
  if (client !== 'web' && client !== 'api') return undefined;
  const person = (name: string) => (client === 'api' ? (headers[name] === undefined ? '' : undefined) : single(headers, name));
  const values = {
    user: person(IDENTITY_HEADERS.user),
    userName: person(IDENTITY_HEADERS.userName),
    operator: single(headers, IDENTITY_HEADERS.operator),
    roles: person(IDENTITY_HEADERS.roles),
    certSerial: single(headers, IDENTITY_HEADERS.certSerial),
    certNotAfter: single(headers, IDENTITY_HEADERS.certNotAfter),
    client,
  };
  if (Object.values(values).some((v) => v === undefined)) return undefined;
  const complete = values as Record<keyof typeof values, string>;
  const expected = mac(secret, ts, complete);
  const given = Buffer.from(match[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let userName: string;
  try {
    userName = decodeURIComponent(complete.userName);
  } catch {
    return undefined;
  }
  return {
    client,
    user: complete.user,
    userName,
    operator: complete.operator,
    roles: complete.roles ? complete.roles.split(',') : [],
    certSerial: complete.certSerial,
    certNotAfter: complete.certNotAfter,
  };
}
