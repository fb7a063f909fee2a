// Ends the sessions bound to certificates that were just unregistered (serial remove / prune), so
// a removed certificate stops working at once, not at the session's timeout.
import type { Redis } from 'ioredis';
import { errors } from '../errors/certgate-error.js';
import { storeCall } from '../store/redis.js';
import { keys } from '../store/keys.js';

const CHUNK = 1000;
// Compare-and-delete: a session replaced after the HGET (new login, other cert) is left alone.
const END_IF_CERT = "if redis.call('HGET', KEYS[1], 'cert') == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** Ends every session whose `cert` is one of `certFields` (registryField values); returns how many ended. */
export async function endSessionsForCertificates(redis: Redis, certFields: string[]): Promise<number> {
  if (certFields.length === 0) return 0;
  const wanted = new Set(certFields);
  let ended = 0;
  let cursor = '0';
  do {
    const [next, userIds] = await storeCall(() => redis.sscan(keys.userIndex, cursor, 'COUNT', CHUNK));
    cursor = next;
    if (userIds.length === 0) continue;
    const read = redis.pipeline();
    for (const id of userIds) read.hget(keys.session(id), 'cert');
    const certs = await storeCall(async () => (await read.exec()) ?? []);
    const end = redis.pipeline();
    let pending = 0;
    certs.forEach(([err, cert], i) => {
      if (err) throw errors.storeUnavailable(err);
      if (typeof cert === 'string' && wanted.has(cert)) {
        end.eval(END_IF_CERT, 1, keys.session(userIds[i]!), cert);
        pending++;
      }
    });
    if (pending === 0) continue;
    for (const [err, n] of await storeCall(async () => (await end.exec()) ?? [])) {
      if (err) throw errors.storeUnavailable(err);
      ended += Number(n);
    }
  } while (cursor !== '0');
  return ended;
}
