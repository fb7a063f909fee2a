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
} as const;

/** Registry field for one certificate. */
export const registryField = (issuerId: string, serial: string): string => `${issuerId}:${serial}`;
