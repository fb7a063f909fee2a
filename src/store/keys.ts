// Every Redis key certgate uses, in one place. Keys that one script touches together share a hash
// tag, so the same scripts run on Redis Cluster: `{gate}` for registry + maintenance (read on every
// request), `{u:<userId>}` for everything about one user (record, session, login attempts).

export const keys = {
  /** Hash: field `<issuerId>:<serial>` → JSON registration (see registry/registration.ts). */
  registry: 'cg:{gate}:registry',
  /** Hash: `on` ("1"/absent), `message`, `since` (ms). */
  maintenance: 'cg:{gate}:maintenance',
  /** Hash: operatorId → JSON { name, createdAt }. */
  operators: 'cg:operators',
  /** Set of user ids (an index; the per-user hash is the truth). */
  userIndex: 'cg:users',
  /** Stream of audit entries. */
  audit: 'cg:audit',
  /** Hash: the user's record. */
  user: (userId: string) => `cg:{u:${userId}}:user`,
  /** Hash: the user's one session (single login means at most one). */
  session: (userId: string) => `cg:{u:${userId}}:session`,
  /** Sorted set: login attempts in progress (member token, score expiry ms). */
  attempts: (userId: string) => `cg:{u:${userId}}:attempts`,
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
} as const;

/** Registry field for one certificate. */
export const registryField = (issuerId: string, serial: string): string => `${issuerId}:${serial}`;
