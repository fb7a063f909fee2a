// Every Redis key certgate uses, in one place. Keys that one script touches together share a hash
// tag, so the same scripts run on Redis Cluster: `{gate}` for registry + maintenance (read on every
// request), `{u:<userId>}` for everything about one user (record, session, login attempts),
// `{c:<issuerId>:<serial>}` for everything about one certificate (API rate bucket).

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
  /** Hash: the certificate's API token bucket (`t` tokens, `ts` ms of the last refill); expires when full again. */
  certRate: (issuerId: string, serial: string) => `cg:{c:${issuerId}:${serial}}:rate`,
} as const;

/** Registry field for one certificate. */
export const registryField = (issuerId: string, serial: string): string => `${issuerId}:${serial}`;
