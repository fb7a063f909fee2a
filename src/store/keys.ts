// Every Redis key certgate uses, in one place. Keys that one script touches together share a hash
// tag, so the same scripts run on Redis Cluster: `{u:<userId>}` for everything about one user
// (record, session, login attempts), `{c:<issuerId>:<serial>}` for everything about one certificate
// (its registration and API rate bucket, read on every request — so the per-request reads spread over every shard),
// `{o:<operatorId>}` for per-operator keys. Lists across records SCAN every primary with the
// `…Pattern` globs below (README "Scaling"), so no global index key is needed.

export const keys = {
  /** String: JSON registration of one certificate (see registry/registration.ts). */
  registration: (issuerId: string, serial: string) => `cg:{c:${issuerId}:${serial}}:reg`,
  /** SCAN glob for every registration key. */
  registrationPattern: 'cg:{c:*}:reg',
  /** SCAN glob for the registrations of one serial, whatever the issuer. */
  registrationsOfSerial: (serial: string) => `cg:{c:*:${serial}}:reg`,
  /** Hash: `on` ("1"/absent), `message`, `since` (ms). Gateways keep a local copy (maintenance-cache.ts). */
  maintenance: 'cg:{gate}:maintenance',
  /** Pub/sub channel: a message tells every gateway to re-read the maintenance hash now. */
  maintenanceChanged: 'cg:maintenance:changed',
  /** Hash: operatorId → JSON { name, createdAt }. */
  operators: 'cg:operators',
  /** Stream of audit entries. */
  audit: 'cg:audit',
  /** Hash: the user's record. */
  user: (userId: string) => `cg:{u:${userId}}:user`,
  /** Hash: the user's one session (single login means at most one). */
  session: (userId: string) => `cg:{u:${userId}}:session`,
  /** Sorted set: login attempts in progress (member token, score expiry ms). */
  attempts: (userId: string) => `cg:{u:${userId}}:attempts`,
  /** String: one certificate application as JSON (src/applications/application.ts); on its operator's slot. */
  application: (operatorId: string, id: string) => `cg:{o:${operatorId}}:application:${id}`,
  /** Sorted set: the operator's application ids, score = creation time (ms). */
  operatorApplications: (operatorId: string) => `cg:{o:${operatorId}}:applications`,
  /** Hash: application id → operator id (an index for reviewers and `request show <id>`). */
  applicationIndex: 'cg:applications',
  /** Sorted set: ids of applications awaiting review, score = creation time (an index; the record is the truth). */
  pendingApplications: 'cg:applications:pending',
  /** String with a short expiry: held while an administrator changes an operator's administrators (lock, demote, remove). */
  operatorAdminLease: (operatorId: string) => `cg:{o:${operatorId}}:admin-lease`,
  /** String: `<operatorId>/<applicationId>` of the newest application naming this certificate. */
  certificateApplication: (issuerId: string, serial: string) => `cg:{c:${issuerId}:${serial}}:application`,
  /**
   * Before 0.2 (one slot for all): hash `<issuerId>:<serial>` → JSON registration. Read only by
   * `certgate store migrate`, which moves its entries to per-certificate keys.
   */
  legacyRegistry: 'cg:{gate}:registry',
  /** Before 0.2: set of user ids (listing now scans). Removed by `certgate store migrate`. */
  legacyUserIndex: 'cg:users',
  /**
   * String "<sid>|<reason>": why an administrator ended the user's session (lock, password reset,
   * session kill), kept as long as the session would have lived so its screen can name the reason.
   */
  sessionEnded: (userId: string) => `cg:{u:${userId}}:session-ended`,
  /** String: the notification sender's lease (value: holder id; PX expiry). One sender at a time. */
  notifyLease: 'cg:notify:lease',
  /** String: audit stream id up to which the notifier has read account events. */
  notifyCursor: 'cg:notify:cursor',
  /** Hash: account-event notice id → JSON notice, until every delivery of it is settled. */
  notifyPending: 'cg:notify:pending',
  /** Hash: the last sending pass (when, by whom, counts). */
  notifyState: 'cg:notify:state',
  /** Hash: delivery id → JSON of a delivery that failed and is retried, or was given up. */
  notifyFailing: 'cg:notify:failing',
  /** Stream: one entry per mail or webhook call (outcome, kind, target), capped. */
  notifyLog: 'cg:notify:log',
  /** Hash: one certificate's reminder deliveries (`<step>|<target>` → state) and its last user (`user`). */
  certNotify: (issuerId: string, serial: string) => `cg:{c:${issuerId}:${serial}}:notify`,
  /** Hash: account-event deliveries about one user (`evt:<audit id>|<target>` → state). */
  userNotify: (userId: string) => `cg:{u:${userId}}:notify`,
  /** Hash: whether one recipient got its reminder mail on one day (field `day`); `recipient` is a digest. */
  recipientDay: (recipient: string, day: string) => `cg:{r:${recipient}}:notify-day:${day}`,
  /**
   * String counter: failed (and in-flight) logins with one certificate, expiring a cooling-off
   * period after the last one. `certField` is registryField(issuerId, serial), so the hash tag is
   * the agreed per-certificate `{c:<issuerId>:<serial>}`.
   */
  certLoginFailures: (certField: string) => `cg:{c:${certField}}:login-failures`,
  /** Hash: the certificate's API token bucket (`t` tokens, `ts` ms of the last refill); expires when full again. */
  certRate: (issuerId: string, serial: string) => `cg:{c:${issuerId}:${serial}}:rate`,
} as const;

/**
 * Key prefixes the gateway's local copies follow through Redis client tracking (store/invalidation-feed.ts):
 * everything about one certificate (its registration) and about one user (its session).
 */
export const trackedPrefixes = ['cg:{c:', 'cg:{u:'] as const;

/** The certificate id `<issuerId>:<serial>`: sessions are bound to it and audit entries name it. */
export const registryField = (issuerId: string, serial: string): string => `${issuerId}:${serial}`;
export const certificateId = registryField;

/** The certificate id inside a registration key (undefined for any other key). */
export function certificateIdOfKey(key: string): string | undefined {
  const m = /^cg:\{c:([^{}]+)\}:reg$/.exec(key);
  return m?.[1];
}

/** The user id inside a per-user key such as keys.session(id) (undefined for any other key). */
export function userIdOfKey(key: string): string | undefined {
  const m = /^cg:\{u:([^{}]+)\}:[a-z]+$/.exec(key);
  return m?.[1];
}
