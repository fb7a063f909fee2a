// The lock rule, spelled once: which fields of the user record say an account is locked and count its
// failed logins, and the Lua fragment every script that reads or changes them includes (lock, unlock
// and password change in user-scripts.ts, the failure threshold and login in auth/attempt-scripts.ts).
// The rest of the user record is owned by users/ (user-record.ts).

/** Field names in the user hash (keys.user(userId)); user-record.ts decodes them under these names. */
export const LOCK_FIELDS = {
  /** "1" locked, "0" (or absent) not. */
  locked: 'locked',
  /** ms since epoch, when locked. */
  lockedAt: 'lockedAt',
  /** `too-many-failures` or the administrator's reason (`admin`). */
  lockedReason: 'lockedReason',
  /** Consecutive wrong passwords since the last success, password change or unlock. */
  failures: 'failures',
} as const;

/**
 * Lua helpers over one user hash (`user` is its key):
 * - `lock_is_locked(user)` → boolean;
 * - `lock_user(user, now, reason)` marks it locked (now and reason as given);
 * - `lock_unlock(user)` → whether it was locked; clears the lock and the failure count;
 * - `lock_failures(user)` → failures counted so far;
 * - `lock_over_threshold(user, now, threshold)` → true (and locks it as too-many-failures) when the
 *   count has reached the threshold already, e.g. after the threshold was lowered by configuration;
 * - `lock_count_failure(user, now, threshold)` → 'counted' | 'locked-now' | 'locked', count: one more
 *   failure; reaching the threshold locks the account ('locked-now'), a locked one stays so;
 * - `lock_reset_failures(user)` after a successful login or password change.
 */
export const LOCK_RULE = `
local function lock_is_locked(user)
  return redis.call('HGET', user, 'locked') == '1'
end
local function lock_user(user, now, reason)
  redis.call('HSET', user, 'locked', '1', 'lockedAt', now, 'lockedReason', reason)
end
local function lock_unlock(user)
  local was = lock_is_locked(user)
  redis.call('HSET', user, 'locked', '0', 'failures', '0')
  redis.call('HDEL', user, 'lockedAt', 'lockedReason')
  return was
end
local function lock_failures(user)
  return tonumber(redis.call('HGET', user, 'failures') or '0') or 0
end
local function lock_over_threshold(user, now, threshold)
  if lock_failures(user) < threshold then return false end
  lock_user(user, now, 'too-many-failures')
  return true
end
local function lock_count_failure(user, now, threshold)
  local f = redis.call('HINCRBY', user, 'failures', 1)
  if lock_is_locked(user) then return 'locked', f end
  if f >= threshold then
    lock_user(user, now, 'too-many-failures')
    return 'locked-now', f
  end
  return 'counted', f
end
local function lock_reset_failures(user)
  redis.call('HSET', user, 'failures', '0')
end
`;
