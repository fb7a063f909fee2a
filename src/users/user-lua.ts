// The user record (keys.user(userId)) as the login scripts in auth/ see it: Lua helpers that read the
// fields a login needs and note a successful one, so those scripts stay atomic with the record
// without spelling its fields. Field names as in user-record.ts (F); the lock rule's are in lock-rule.ts.

/**
 * - `user_exists(user)` → boolean;
 * - `user_login_facts(user)` → nil when there is no such user (no password hash), else a table
 *   {hash, operator, mustChange, history, name, roles}: the stored strings, false where absent;
 * - `user_logged_in(user, now)` notes the time of a successful login.
 */
export const USER_LOGIN = `
local function user_exists(user)
  return redis.call('EXISTS', user) == 1
end
local function user_login_facts(user)
  local u = redis.call('HMGET', user, 'hash', 'operator', 'mustChange', 'history', 'name', 'roles')
  if not u[1] then return nil end
  return {hash = u[1], operator = u[2], mustChange = u[3], history = u[4], name = u[5], roles = u[6]}
end
local function user_logged_in(user, now)
  redis.call('HSET', user, 'lastLoginAt', now)
end
`;
