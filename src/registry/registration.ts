// One registered certificate (issuer + serial → operator, validity, label) and its compact JSON
// form in the registry hash. The gateway's per-request script reads the same JSON, so keys stay short.
import { errors } from '../errors/certgate-error.js';

/**
 * What a certificate may be used for: `web` (a person in a browser: login, session, portal pages)
 * or `api` (a business operator's system on the API routes, certificate only). Registrations
 * stored before usage existed read as `web`.
 */
export type Usage = 'web' | 'api';
export const USAGES: readonly Usage[] = ['web', 'api'];
export const DEFAULT_USAGE: Usage = 'web';
export const isUsage = (v: unknown): v is Usage => v === 'web' || v === 'api';

export interface Registration {
  issuerId: string;
  /** Normalised serial. */
  serial: string;
  operatorId: string;
  /** Absent means `web` (see usageOf). */
  usage?: Usage;
  label?: string;
  /** ms since epoch. */
  notBefore?: number;
  /** ms since epoch. */
  notAfter?: number;
  addedAt: number;
  /** OS user who registered it. */
  addedBy?: string;
}

export type RegistrationState = 'active' | 'not-yet-valid' | 'expired';
export const REGISTRATION_STATES: readonly RegistrationState[] = ['active', 'not-yet-valid', 'expired'];

interface Stored {
  o: string;
  /** Only `api` is written: a `web` registration encodes exactly as before usage existed. */
  u?: 'api';
  l?: string;
  nb?: number;
  na?: number;
  at: number;
  by?: string;
}

export function encodeRegistration(r: Registration): string {
  // Key order is fixed (o, u, l, nb, na, at, by) so equal registrations encode to equal strings.
  const s: Partial<Stored> = { o: r.operatorId };
  if (r.usage === 'api') s.u = 'api';
  if (r.label !== undefined && r.label !== '') s.l = r.label;
  if (r.notBefore !== undefined) s.nb = r.notBefore;
  if (r.notAfter !== undefined) s.na = r.notAfter;
  s.at = r.addedAt;
  if (r.addedBy !== undefined) s.by = r.addedBy;
  return JSON.stringify(s);
}

/** Registration from its hash field (`<issuerId>:<serial>`) and JSON value; throws on corruption. */
export function decodeRegistration(field: string, json: string): Registration {
  const colon = field.indexOf(':');
  let s: Partial<Stored>;
  try {
    s = JSON.parse(json) as Partial<Stored>;
  } catch (err) {
    throw errors.internal(`registry entry ${field} is not valid JSON`, err);
  }
  if (colon <= 0 || typeof s !== 'object' || s === null || typeof s.o !== 'string') {
    throw errors.internal(`registry entry ${field} is malformed`);
  }
  const r: Registration = {
    issuerId: field.slice(0, colon),
    serial: field.slice(colon + 1),
    operatorId: s.o,
    addedAt: typeof s.at === 'number' ? s.at : 0,
  };
  // Only `api` is recorded; anything else (older entries) is `web`, which usageOf() reports.
  if (s.u === 'api') r.usage = 'api';
  if (typeof s.l === 'string') r.label = s.l;
  if (typeof s.nb === 'number') r.notBefore = s.nb;
  if (typeof s.na === 'number') r.notAfter = s.na;
  if (typeof s.by === 'string') r.addedBy = s.by;
  return r;
}

/** The registration's usage; `web` when none was recorded. */
export const usageOf = (r: Pick<Registration, 'usage'>): Usage => r.usage ?? DEFAULT_USAGE;

/** Registration validity as recorded (the certificate's own dates are checked separately). */
export function registrationState(r: Registration, now: number): RegistrationState {
  if (r.notBefore !== undefined && now < r.notBefore) return 'not-yet-valid';
  if (r.notAfter !== undefined && now > r.notAfter) return 'expired';
  return 'active';
}

/** Whole days from `now` until notAfter (negative once expired); undefined without an expiry. */
export function daysLeft(r: Registration, now: number): number | undefined {
  return r.notAfter === undefined ? undefined : Math.floor((r.notAfter - now) / 86_400_000);
}
