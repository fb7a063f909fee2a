// A certificate application (申請): an operator asks the market operator to register or remove
// client certificates; it stays inert until a market reviewer approves it.
import { randomBytes } from 'node:crypto';
import { errors } from '../errors/certgate-error.js';

export const APPLICATION_STATES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];
/** `approving` is held only while an approval writes the registry, so a withdrawal cannot slip in between. */
export type StoredState = ApplicationState | 'approving';
export type ApplicationKind = 'registration' | 'removal';
/** Where a certificate's facts came from: an uploaded file, typed by the administrator, or the live TLS connection. */
export type CertificateOrigin = 'file' | 'manual' | 'connection';

export interface AppliedCertificate {
  issuerId: string;
  /** Normalised serial (upper-case hex). */
  serial: string;
  notBefore?: number;
  notAfter?: number;
  subject?: string;
  issuer?: string;
  label?: string;
  origin: CertificateOrigin;
}

export interface ApplicationEvent {
  at: number;
  action: 'submitted' | 'approved' | 'rejected' | 'withdrawn' | 'approval-failed';
  actor: string;
  reason?: string;
}

export interface Application {
  id: string;
  kind: ApplicationKind;
  operatorId: string;
  /** User ID of the applicant (web) — never allowed to decide it. */
  applicant: string;
  state: StoredState;
  certificates: AppliedCertificate[];
  /** Applied for from /auth/cert with the certificate presented on that connection. */
  renewal?: boolean;
  createdAt: number;
  /** When an approval claimed it (state `approving`); a claim older than a minute is taken over. */
  approvingAt?: number;
  decidedAt?: number;
  decidedBy?: string;
  /** The reviewer's reason (rejection) or note. */
  reason?: string;
  history: ApplicationEvent[];
}

export const APPLICATION_ID = /^A\d{8}-[0-9A-F]{6}$/;

/** A readable, unguessable id: A<YYYYMMDD>-<6 hex>, e.g. A20261129-3F9C01. */
export function newApplicationId(now: number): string {
  const d = new Date(now);
  const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  return `A${ymd}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

export function requireApplicationId(id: string): string {
  if (!APPLICATION_ID.test(id)) throw errors.usage(`"${id}" is not an application id; ids look like A20261129-3F9C01 (see \`certgate request list\`)`);
  return id;
}

/** What the outside world sees: `approving` still reads as pending. */
export const publicState = (a: Application): ApplicationState => (a.state === 'approving' ? 'pending' : a.state);

export const encodeApplication = (a: Application): string => JSON.stringify(a);

export function decodeApplication(json: string): Application {
  try {
    const a = JSON.parse(json) as Application;
    if (typeof a.id !== 'string' || typeof a.operatorId !== 'string' || !Array.isArray(a.certificates)) throw new Error('missing fields');
    return a;
  } catch (err) {
    throw errors.internal('an application record is not valid JSON', err);
  }
}
