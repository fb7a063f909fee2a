// Everything a gateway middleware or handler may use, built once per process (see gateway/create.ts).
import type { Store } from '../store/store.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
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
import type { ApplicationService } from '../applications/application-service.js';

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  /** The store (any topology; see store/store.ts). */
  redis: Store;
  /** Local copy of the maintenance flag (bounded, invalidated by pub/sub). */
  maintenance: MaintenanceCache;
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
  /** The time the request path works with (tests inject one instead of waiting). */
  clock: () => number;
}
