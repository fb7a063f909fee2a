// The lock rule as a Lua fragment: how an account is marked locked, shared by every script that locks
// one (administrator's lock in user-scripts.ts, the failure threshold in auth/attempt-scripts.ts), so
// the fields and their meaning are written in one place. The user record itself is owned by users/.
export const LOCK_USER = `
local function lock_user(user, now, reason)
  redis.call('HSET', user, 'locked', '1', 'lockedAt', now, 'lockedReason', reason)
end
`;
