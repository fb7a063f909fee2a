// Ends the sessions bound to certificates that were just unregistered (serial remove / prune), so
// a removed certificate stops working at once, not at the session's timeout. Sessions are found by
// scanning every primary (no cross-slot pipeline), each ended by a compare-and-delete on its own slot.
import { storeCall } from '../store/redis.js';
import { keys } from '../store/keys.js';
import { scanKeys } from '../store/scan.js';
import { defineScripts } from '../store/scripts.js';
import { forEachParallel, type Store } from '../store/store.js';
import type { SessionField } from './session-lua.js';
import { SESSION_SCRIPTS, type SessionScripts } from './session-scripts.js';

const WIDTH = 500;
// Compare-and-delete: a session replaced after the HGET (new login, other cert) is left alone.
const CERT: SessionField = 'cert';

/** Ends every session whose `cert` is one of `certIds` (`<issuerId>:<serial>`); returns how many and their keys. */
export async function endSessionsForCertificates(store: Store, certIds: string[]): Promise<{ count: number; keys: string[] }> {
  const ended: string[] = [];
  if (certIds.length === 0) return { count: 0, keys: ended };
  const wanted = new Set(certIds);
  const r = defineScripts<SessionScripts>(store, SESSION_SCRIPTS);
  await scanKeys(store, keys.session('*'), async (sessionKeys) => {
    const certs = await forEachParallel(sessionKeys, WIDTH, (k) => storeCall(() => store.hget(k, CERT)));
    const hits = sessionKeys.map((k, i) => [k, certs[i]] as const).filter(([, c]) => typeof c === 'string' && wanted.has(c));
    const done = await forEachParallel(hits, WIDTH, ([k, c]) => storeCall(() => r.cgSessionEndIfCert(k, c!)));
    hits.forEach(([k], i) => Number(done[i]) === 1 && ended.push(k));
  });
  return { count: ended.length, keys: ended };
}
