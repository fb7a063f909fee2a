// The store reads of a request: the certificate's registration (one GET on the certificate's own
// slot, or its local copy) and, only when the local copy may not be used, the maintenance flag —
// sent in parallel with the session check (the user's slot), so a request costs at most one round
// trip per shard involved, and none when the local copies answer.
import { storeCallWithin } from '../store/redis.js';
import type { RegistrationReader } from '../registry/registration-reader.js';
import type { MaintenanceCache } from '../maintenance/maintenance-cache.js';
import type { GateFacts } from '../kernel/facts.js';

export type { GateFacts };

/** Registration and maintenance from the local copies alone, or undefined when either must be read. */
export function localGate(registrations: RegistrationReader, maintenance: MaintenanceCache, issuerId: string, serial: string, now: number): GateFacts | undefined {
  const m = maintenance.current(now);
  if (!m) return undefined;
  const reg = registrations.local(issuerId, serial, now);
  if (reg === undefined) return undefined;
  return { registration: reg ?? undefined, maintenance: m };
}

/**
 * Registration and maintenance state for one certificate. `deadlineMs` bounds the whole lookup
 * (Cluster retries during a failover included): past it the request answers 503, never hangs.
 */
export async function lookupGate(
  registrations: RegistrationReader,
  maintenance: MaintenanceCache,
  issuerId: string,
  serial: string,
  deadlineMs: number,
  now = Date.now(),
): Promise<GateFacts> {
  // Whatever a local copy answers is not read again: only the missing half goes to the store.
  const kept = registrations.local(issuerId, serial, now);
  const flag = maintenance.current(now);
  if (kept !== undefined && flag) return { registration: kept ?? undefined, maintenance: flag };
  const [registration, m] = await storeCallWithin(deadlineMs, () =>
    Promise.all([kept !== undefined ? (kept ?? undefined) : registrations.read(issuerId, serial, now), flag ?? maintenance.read()]),
  );
  return { registration, maintenance: m };
}
