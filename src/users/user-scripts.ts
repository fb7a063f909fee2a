// Lua scripts that change one user atomically. Each touches only keys of the user's `{u:<id>}`
// slot (record, session, attempts), so they run unchanged on Redis Cluster. The lock rule comes from
// lock-rule.ts and everything done to the session from session/session-lua.ts: this file spells
// neither's fields.
import { LOCK_RULE } from './lock-rule.js';
import { SESSION_END_WITH_REASON, SESSION_PASSWORD_CHANGED } from '../session/session-lua.js';

/** Pushes a hash to the front of the JSON history and keeps the newest ARGV-given count. */
const PUSH_HISTORY = `
local function push_history(key, hash, max)
  local ok, h = pcall(cjson.decode, redis.call('HGET', key, 'history') or '[]')
  if not ok or type(h) ~= 'table' then h = {} end
  table.insert(h, 1, hash)
  while #h > max do table.remove(h) end
  return cjson.encode(h)
end
`;

export const USER_SCRIPTS = {
  /** KEYS: user. ARGV: field, value, ... → 1 created, 0 exists. */
  cgUserCreate: {
    numberOfKeys: 1,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`,
  },
  /** KEYS: user. ARGV: field, value, ... ('' deletes the field) → 1 set, 0 no such user. */
  cgUserSetFields: {
    numberOfKeys: 1,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1`,
  },
  /** KEYS: user, session, attempts, session-ended → 1 removed, 0 absent. Its terminal is told an administrator ended the session. */
  cgUserRemove: {
    numberOfKeys: 4,
    lua: `${SESSION_END_WITH_REASON}
local existed = redis.call('EXISTS', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[3])
session_end_with_reason(KEYS[2], KEYS[4], 'ended-by-admin')
return existed`,
  },
  /** KEYS: user. ARGV: field, value → 0 absent, 1 set (never creates a user). */
  cgUserSetField: {
    numberOfKeys: 1,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`,
  },
  /** KEYS: user, session, session-ended. ARGV: now, reason → 0 absent, 1 locked, 2 was already locked. Ends the session. */
  cgUserLock: {
    numberOfKeys: 3,
    lua: `${SESSION_END_WITH_REASON}${LOCK_RULE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
session_end_with_reason(KEYS[2], KEYS[3], 'account-locked')
if lock_is_locked(KEYS[1]) then return 2 end
lock_user(KEYS[1], ARGV[1], ARGV[2])
return 1`,
  },
  /** KEYS: user, attempts → 0 absent, 1 unlocked, 2 was not locked (counter still reset). */
  cgUserUnlock: {
    numberOfKeys: 2,
    lua: `${LOCK_RULE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local was = lock_unlock(KEYS[1])
redis.call('DEL', KEYS[2])
if was then return 1 end
return 2`,
  },
  /** KEYS: user, session, session-ended. ARGV: hash, now, historyMax → 0 absent, 1 done. Ends the session. */
  cgUserResetPassword: {
    numberOfKeys: 3,
    lua: `${PUSH_HISTORY}${SESSION_END_WITH_REASON}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local history = push_history(KEYS[1], ARGV[1], tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'history', history, 'mustChange', '1', 'passwordChangedAt', ARGV[2])
session_end_with_reason(KEYS[2], KEYS[3], 'password-reset')
return 1`,
  },
  /**
   * KEYS: user, session, attempts. ARGV: expectedHash, newHash, now, historyMax, keepSid, attemptToken, newSid.
   * Compare-and-set on the current hash (a concurrent change or reset wins, this one is 'stale').
   * The session whose sid is keepSid survives (voluntary change) under the new id newSid when given;
   * any other session ends.
   */
  cgUserChangePassword: {
    numberOfKeys: 3,
    lua: `${PUSH_HISTORY}${LOCK_RULE}${SESSION_PASSWORD_CHANGED}
redis.call('ZREM', KEYS[3], ARGV[6])
local hash = redis.call('HGET', KEYS[1], 'hash')
if not hash then return 'gone' end
if hash ~= ARGV[1] then return 'stale' end
if lock_is_locked(KEYS[1]) then return 'locked' end
local history = push_history(KEYS[1], ARGV[2], tonumber(ARGV[4]))
redis.call('HSET', KEYS[1], 'hash', ARGV[2], 'history', history, 'mustChange', '0', 'passwordChangedAt', ARGV[3])
lock_reset_failures(KEYS[1])
session_password_changed(KEYS[2], ARGV[5], ARGV[7])
return 'ok'`,
  },
} as const;

export interface UserScripts {
  cgUserCreate(user: string, ...fieldValues: string[]): Promise<number>;
  cgUserSetFields(user: string, ...fieldValues: string[]): Promise<number>;
  cgUserRemove(user: string, session: string, attempts: string, sessionEnded: string): Promise<number>;
  cgUserSetField(user: string, field: string, value: string): Promise<number>;
  cgUserLock(user: string, session: string, sessionEnded: string, now: string, reason: string): Promise<number>;
  cgUserUnlock(user: string, attempts: string): Promise<number>;
  cgUserResetPassword(user: string, session: string, sessionEnded: string, hash: string, now: string, historyMax: string): Promise<number>;
  cgUserChangePassword(
    user: string,
    session: string,
    attempts: string,
    expectedHash: string,
    newHash: string,
    now: string,
    historyMax: string,
    keepSid: string,
    attemptToken: string,
    newSid: string,
  ): Promise<'ok' | 'gone' | 'stale' | 'locked'>;
}
