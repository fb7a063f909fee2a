// What each middleware of the gateway leaves on ctx.state for the ones after it.
import type { ParameterizedContext, Middleware } from 'koa';
import type { Lang } from '../pages/i18n.js';
import type { CertificateFacts } from '../tls/certificate.js';
import type { Registration } from '../registry/registration.js';
import type { SessionRecord, TouchResult } from '../session/session-store.js';
import type { RateVerdict } from '../api/rate-limit.js';
import type { UserRecord } from '../users/user-record.js';

export interface MaintenanceState {
  on: boolean;
  message?: string;
  since?: number;
}

export interface GatewayState {
  /** Request id, also sent upstream as X-Request-Id and shown on error pages. */
  requestId: string;
  lang: Lang;
  /**
   * Which kind of client the route serves: `api` under CERTGATE_API_PREFIX (certificate only,
   * problem+json refusals), otherwise `web` (absent). The certificate gate wants a registration
   * of the same usage.
   */
  client?: 'web' | 'api';
  /** API routes: the certificate's token-bucket take, started with the registry lookup (one round trip). */
  rateLookup?: Promise<RateVerdict>;
  /** Headers the proxy adds to the upstream's response (e.g. RateLimit on API routes). */
  responseHeaders?: Record<string, string>;
  /** Set by the certificate gate: the presented certificate, parsed once per socket. */
  cert?: CertificateFacts;
  /** Set by the certificate gate: the registry entry for (issuer, serial). */
  registration?: Registration;
  /** Read in the same round trip as the registry entry. */
  maintenance?: MaintenanceState;
  /** The request's time, read once by the certificate gate (deps.clock) and used by later steps. */
  now?: number;
  /**
   * Started by the certificate gate in parallel with the registry lookup when a valid session
   * cookie came with the request (one round trip for both); awaited by the session middleware.
   * Read-only (SessionStore.peek): a request the gate or maintenance refuses touches no session.
   */
  sessionLookup?: { userId: string; sid: string; result: Promise<TouchResult> };
  /** Parsed application/x-www-form-urlencoded body of an /auth POST (src/auth/form-body.ts). */
  form?: Record<string, string>;
  /** Every field of that body in order, repeated names included (checkbox groups such as `roles`). */
  formAll?: Array<[string, string]>;
  /** Files of a multipart/form-data body (src/admin/multipart.ts), read within its limits. */
  files?: Array<{ field: string; name: string; data: Buffer; truncated: boolean }>;
  /** The signed-in user's current record, loaded fresh by the role check of /auth/admin and /auth/review. */
  actor?: UserRecord;
  /** Set by the session middleware once the session is accepted. */
  session?: SessionRecord;
  /** Renewal banner, when the certificate expires within CERTGATE_CERT_WARN_DAYS. */
  banner?: { notAfter: Date; daysLeft: number };
  /** Outcome label for logs and metrics (e.g. "proxied", "cert-unregistered"). */
  outcome?: string;
}

export type GatewayContext = ParameterizedContext<GatewayState>;
export type GatewayMiddleware = Middleware<GatewayState>;
