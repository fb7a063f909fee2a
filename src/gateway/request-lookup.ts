// The store reads of a request: the certificate's registration (one GET on the certificate's own
// slot) and, only when the local copy may not be used, the maintenance flag — sent in parallel with
// the session touch (the user's slot), so a request costs one round trip per shard involved.
import { keys, registryField } from '../store/keys.js';
import { storeCallWithin } from '../store/redis.js';
import type { Store } from '../store/store.js';
import { decodeRegistration, type Registration } from '../registry/registration.js';
import type { MaintenanceCache } from '../maintenance/maintenance-cache.js';
import type { MaintenanceState } from './state.js';

export interface GateFacts {
  registration: Registration | undefined;
  maintenance: MaintenanceState;
}

/**
 * Registration and maintenance state for one certificate. `deadlineMs` bounds the whole lookup
 * (Cluster retries during a failover included): past it the request answers 503, never hangs.
 */
export async function lookupGate(store: Store, maintenance: MaintenanceCache, issuerId: string, serial: string, deadlineMs: number, now = Date.now()): Promise<GateFacts> {
  const cached = maintenance.current(now);
  const [reg, m] = await storeCallWithin(deadlineMs, () => Promise.all([store.get(keys.registration(issuerId, serial)), cached ?? maintenance.read()]));
  return {
    registration: reg ? decodeRegistration(registryField(issuerId, serial), reg) : undefined,
    maintenance: m,
  };
}
