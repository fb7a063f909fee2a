// The request's vocabulary: plain data types every step reads (certificate, registration, session,
// maintenance, language). Domains produce them; the kernel only names them, so it imports no domain.

export type Lang = 'ja' | 'en';

/** What the gateway reads from a client certificate (src/tls/certificate.ts parses it). */
export interface CertificateFacts {
  /** Normalised serial (see tls/serial.ts). */
  serial: string;
  /** nameId of the issuer Name: equals the issuing CA's subjectId. */
  issuerId: string;
  issuer: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 over the DER, lower-case hex without colons. */
  fingerprint256: string;
  keyType: 'RSA' | 'EC' | 'other';
}

/**
 * What a certificate may be used for: `web` (a person in a browser: login, session, portal pages)
 * or `api` (a business operator's system on the API routes, certificate only). Registrations
 * stored before usage existed read as `web`.
 */
export type Usage = 'web' | 'api';

/** One registered certificate (issuer + serial → operator, validity, label); src/registry owns the record. */
export interface Registration {
  issuerId: string;
  /** Normalised serial. */
  serial: string;
  operatorId: string;
  /** Absent means `web` (see registry/registration.ts usageOf). */
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

/** A web session as stored (src/session/session-store.ts owns the record). */
export interface SessionRecord {
  userId: string;
  sid: string;
  /** registryField(issuerId, serial) of the certificate the session was created with. */
  cert: string;
  operatorId: string;
  roles: string[];
  name: string;
  createdAt: number;
  lastSeen: number;
  mustChange: boolean;
}

/** An administrator's action that ended a session (the terminal's next request is told which). */
export type AdminEndReason = 'account-locked' | 'password-reset' | 'ended-by-admin';

export type TouchResult =
  | { status: 'ok'; session: SessionRecord }
  | { status: 'idle' | 'expired' | 'gone' | 'replaced' | 'cert-mismatch' }
  | { status: 'ended'; reason: AdminEndReason };

export interface MaintenanceState {
  on: boolean;
  message?: string;
  since?: number;
}

/** Renewal banner, when the certificate expires within CERTGATE_CERT_WARN_DAYS. */
export interface CertBanner {
  notAfter: Date;
  daysLeft: number;
}

/** The per-request store facts of the certificate gate: registry entry and maintenance flag. */
export interface GateFacts {
  registration: Registration | undefined;
  maintenance: MaintenanceState;
}

/** An API certificate's token-bucket take (src/api/rate-limit.ts). */
export interface RateVerdict {
  allowed: boolean;
  /** Whole requests left in the bucket after this one. */
  remaining: number;
  /** When refused: ms until one request fits. */
  retryAfterMs: number;
  /** ms until the bucket is full again. */
  fullInMs: number;
}
