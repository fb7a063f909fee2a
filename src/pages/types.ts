// Shared page types: the frame every page gets and the reason codes the gateway passes in.
import type { Lang } from './i18n.js';

export interface PageFrame {
  lang: Lang;
  csrfToken?: string;
  user?: { id: string; name: string };
  /** daysLeft counts calendar days in the zone: 0 on the last day, negative once expired. */
  banner?: { notAfter: Date; daysLeft: number };
  /** CERTGATE_TIME_ZONE (default Asia/Tokyo): every date on the page is shown in it. */
  timeZone?: string;
  /** Current path and query (e.g. ctx.url); lets the language switch keep the query. Optional. */
  path?: string;
}

export const CERT_REASONS = [
  'cert-missing',
  'cert-untrusted',
  'cert-expired',
  'cert-not-yet-valid',
  'cert-revoked',
  'cert-unregistered',
  // A `web` certificate on an API route, or an `api` certificate on a browser route.
  'cert-wrong-usage',
  // No usable CRL/OCSP answer under the deny/require policies.
  'cert-revocation-unknown',
] as const;
export type CertReason = (typeof CERT_REASONS)[number];

export const PASSWORD_ERRORS = ['length', 'charset', 'classes', 'same-as-user-id', 'reused', 'mismatch', 'wrong-current'] as const;
export type PasswordError = (typeof PASSWORD_ERRORS)[number];

/** Why a session ended: timeouts, a certificate change, or an administrator's action (the reason is kept briefly in the store). */
export const SESSION_END_REASONS = ['idle', 'expired', 'ended', 'cert-changed', 'account-locked', 'password-reset', 'ended-by-admin'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];
export type MultipleLoginReason = 'replaced' | 'rejected';
export type SystemErrorReason = 'store-unavailable' | 'upstream-refused' | 'upstream-timeout' | 'overloaded' | 'internal' | 'csrf' | 'bad-request';
export type LoginError = 'invalid-credentials' | 'account-locked' | 'too-many-attempts';
export type CertState = 'registered' | 'unregistered' | 'expired' | 'not-yet-valid';

export const SECTIONS = ['registration', 'review', 'auction', 'contract'] as const;
export type Section = (typeof SECTIONS)[number];

export const NOTICE_CATEGORIES = ['important', 'auction', 'registration', 'maintenance', 'certificate', 'general'] as const;
export type NoticeCategory = (typeof NOTICE_CATEGORIES)[number];

/** Text in both languages (notices and operations carry their own translations). */
export interface LocalizedText {
  ja: string;
  en: string;
}

export interface NoticeAttachment {
  name: string;
  size: number;
  contentType: string;
}

export interface NoticeSummary {
  id: string;
  /** Publication day, midnight Japan time. */
  date: Date;
  category: NoticeCategory;
  title: LocalizedText;
  attachmentCount: number;
}

export interface NoticeDetail extends Omit<NoticeSummary, 'attachmentCount'> {
  body: LocalizedText;
  attachments: NoticeAttachment[];
}
