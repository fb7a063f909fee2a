// The services the composition root (create.ts) adds to the kernel's GatewayDeps: one list of
// everything a request step may use, merged into the kernel's interface so handlers import the
// kernel only and the kernel imports no domain.
import type { GatewayMetrics } from '../ops/metrics.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { SessionStore } from '../session/session-store.js';
import type { UserStore } from '../users/user-store.js';
import type { Revocation } from '../tls/revocation.js';
import type { TrustedCa } from '../tls/trusted-cas.js';
import type { Upstream } from '../proxy/upstream.js';
import type { LoginService } from '../auth/login-service.js';
import type { MaintenanceCache } from '../maintenance/maintenance-cache.js';
import type { Registry } from '../registry/registry.js';
import type { RegistrationReader } from '../registry/registration-reader.js';
import type { InvalidationFeed } from '../store/invalidation-feed.js';
import type { ApplicationService } from '../applications/application-service.js';

import type { Store } from '../store/store.js';

export type { GatewayDeps } from '../kernel/deps.js';

declare module '../kernel/deps.js' {
  interface GatewayDeps {
    /** The store (any topology; see store/store.ts). */
    redis: Store;
    /** Local copy of the maintenance flag (bounded, invalidated by pub/sub). */
    maintenance: MaintenanceCache;
    /** The certificate gate's registration read (local copy while `feed` is live). */
    registrations: RegistrationReader;
    /** Redis client tracking behind the local copies; undefined when CERTGATE_LOCAL_COPY=off. */
    feed: InvalidationFeed | undefined;
    metrics: GatewayMetrics;
    audit: AuditLog;
    sessions: SessionStore;
    users: UserStore;
    login: LoginService;
    upstream: Upstream;
    /** Replaced on reload (SIGHUP): read it per request, never keep a copy. */
    trustedCas: TrustedCa[];
    /** CRLs and OCSP answers in force (CERTGATE_CRL, CERTGATE_CRL_URL, CERTGATE_OCSP). */
    revocation: Revocation;
    /** Registry and certificate applications, for the operator administration pages. */
    registry: Registry;
    applications: ApplicationService;
  }
}
