// Lua scripts of the lockout rule and of a successful login, each on one user's `{u:}` slot.
// An attempt first reserves a slot (refused when locked, or when failures + attempts in flight have
// reached the threshold), so a burst can never run more argon2 checks than the threshold allows.
// The user record, the lock rule and the session are read and changed only through their owners'
// fragments (users/user-lua.ts, users/lock-rule.ts, session/session-lua.ts): the scripts stay atomic
// with the user record on the user's slot without spelling anyone's fields.
import { LOCK_RULE } from '../users/lock-rule.js';
import { USER_LOGIN } from '../users/user-lua.js';
import { SESSION_CREATE, SESSION_END_WITH_REASON, SESSION_LIVE } from '../session/session-lua.js';

export const ATTEMPT_SCRIPTS = {
  /**
   * KEYS: user, attempts, session, session-ended. ARGV: token, now, tokenTtlMs, threshold, certOperator ('' = not checked).
   * → {'unknown'} | {'foreign'} | {'locked'} | {'busy'} | {'ok', operator, hash, mustChange, history}.
   * Tokens are sorted-set members scored by their expiry, so a crashed gateway cannot leak slots.
   * 'foreign' (the certificate belongs to another operator) comes before 'locked' and reserves
   * nothing: another operator can neither lock the user out nor learn that the account is locked.
   */
  cgAttemptReserve: {
    numberOfKeys: 4,
    lua: `${USER_LOGIN}${LOCK_RULE}${SESSION_END_WITH_REASON}
local u = user_login_facts(KEYS[1])
if not u then return {'unknown'} end
if ARGV[5] ~= '' and (u.operator or '') ~= ARGV[5] then return {'foreign'} end
if lock_is_locked(KEYS[1]) then return {'locked'} end
local now = tonumber(ARGV[2])
local threshold = tonumber(ARGV[4])
if lock_over_threshold(KEYS[1], ARGV[2], threshold) then
  -- Threshold lowered by configuration since the last failure: the account is over it.
  session_end_with_reason(KEYS[3], KEYS[4], 'account-locked')
  return {'locked'}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if lock_failures(KEYS[1]) + redis.call('ZCARD', KEYS[2]) >= threshold then return {'busy'} end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
return {'ok', u.operator or '', u.hash, u.mustChange or '0', u.history or '[]'}`,
  },
  /** KEYS: attempts. ARGV: token. The attempt ended without a verdict (overload, error). */
  cgAttemptRelease: {
    numberOfKeys: 1,
    lua: `return redis.call('ZREM', KEYS[1], ARGV[1])`,
  },
  /**
   * KEYS: user, attempts, session, session-ended. ARGV: token, now, threshold.
   * → {'counted', failures} | {'locked-now', failures} | {'locked', failures} | {'gone', 0}.
   * Reaching the threshold locks the account and ends its session; that terminal is told why.
   */
  cgAttemptFail: {
    numberOfKeys: 4,
    lua: `${USER_LOGIN}${LOCK_RULE}${SESSION_END_WITH_REASON}
redis.call('ZREM', KEYS[2], ARGV[1])
if not user_exists(KEYS[1]) then return {'gone', 0} end
local verdict, f = lock_count_failure(KEYS[1], ARGV[2], tonumber(ARGV[3]))
if verdict == 'locked-now' then session_end_with_reason(KEYS[3], KEYS[4], 'account-locked') end
return {verdict, f}`,
  },
  /**
   * The whole of a successful login, atomically. KEYS: user, attempts, session.
   * ARGV: token, expectedHash, expectedOperator, now, singleLogin, idleMs, maxAgeMs, graceMs, sid, cert.
   * → {'ok', replaced(0|1), mustChange} | {'multiple-login'} | {'locked'} | {'stale'} | {'gone'}.
   * Resets the failure counter; under 'reject' a live session refuses the new one, under
   * 'replace' the new session overwrites it (the old terminal then sees 'replaced').
   */
  cgLoginSuccess: {
    numberOfKeys: 3,
    lua: `${USER_LOGIN}${LOCK_RULE}${SESSION_LIVE}${SESSION_CREATE}
redis.call('ZREM', KEYS[2], ARGV[1])
local u = user_login_facts(KEYS[1])
if not u then return {'gone'} end
if u.hash ~= ARGV[2] or u.operator ~= ARGV[3] then return {'stale'} end
if lock_is_locked(KEYS[1]) then return {'locked'} end
local now = tonumber(ARGV[4])
local idle = tonumber(ARGV[6])
local maxAge = tonumber(ARGV[7])
lock_reset_failures(KEYS[1])
local replaced = '0'
if session_live(KEYS[3], now, idle, maxAge) then
  if ARGV[5] == 'reject' then return {'multiple-login'} end
  replaced = '1'
end
user_logged_in(KEYS[1], ARGV[4])
session_create(KEYS[3], {sid = ARGV[9], cert = ARGV[10], operator = u.operator, roles = u.roles or '', name = u.name or '', mustChange = u.mustChange or '0'},
  ARGV[4], now, idle, maxAge, tonumber(ARGV[8]))
return {'ok', replaced, u.mustChange or '0'}`,
  },
  /**
   * KEYS: certLoginFailures. ARGV: limit, cooldownMs → {1, count} counted (the attempt may go on) |
   * {0, pttl} refused. Every attempt counts before argon2 runs, so one certificate can never have
   * more than `limit` checks queued; a success (or no verdict) gives its count back (cgCertRelease).
   */
  cgCertAttempt: {
    numberOfKeys: 1,
    lua: `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return {0, redis.call('PTTL', KEYS[1])} end
n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, n}`,
  },
  /** KEYS: certLoginFailures. The attempt succeeded or reached no verdict: it was not a failure. */
  cgCertRelease: {
    numberOfKeys: 1,
    lua: `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`,
  },
} as const;

export interface AttemptScripts {
  cgAttemptReserve(user: string, attempts: string, session: string, sessionEnded: string, token: string, now: string, ttlMs: string, threshold: string, certOperator: string): Promise<string[]>;
  cgCertAttempt(certFailures: string, limit: string, cooldownMs: string): Promise<[number, number]>;
  cgCertRelease(certFailures: string): Promise<number>;
  cgAttemptRelease(attempts: string, token: string): Promise<number>;
  cgAttemptFail(user: string, attempts: string, session: string, sessionEnded: string, token: string, now: string, threshold: string): Promise<[string, number]>;
  cgLoginSuccess(
    user: string,
    attempts: string,
    session: string,
    token: string,
    expectedHash: string,
    expectedOperator: string,
    now: string,
    singleLogin: string,
    idleMs: string,
    maxAgeMs: string,
    graceMs: string,
    sid: string,
    cert: string,
  ): Promise<string[]>;
}
