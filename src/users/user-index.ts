// Walks the user index (a set of user ids) and reads one per-user hash of each, in pipelined chunks:
// the one way user lists, session lists and certificate-bound session clean-up enumerate users.
import type { Redis } from 'ioredis';
import { errors } from '../errors/certgate-error.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import { isUserId } from './user-id.js';

const CHUNK = 500;

export interface UserHash {
  userId: string;
  hash: Record<string, string>;
}

/** `keyOf(userId)` for every indexed user, sorted by user id; absent hashes come back empty. */
export async function readUserHashes(redis: Redis, keyOf: (userId: string) => string): Promise<UserHash[]> {
  const ids = (await storeCall(() => redis.smembers(keys.userIndex))).filter(isUserId).sort();
  const out: UserHash[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const pipeline = redis.pipeline();
    for (const id of chunk) pipeline.hgetall(keyOf(id));
    const replies = (await storeCall(() => pipeline.exec())) ?? [];
    chunk.forEach((userId, n) => {
      const [err, hash] = replies[n] ?? [new Error('no reply'), undefined];
      if (err) throw errors.storeUnavailable(err);
      out.push({ userId, hash: (hash ?? {}) as Record<string, string> });
    });
  }
  return out;
}
