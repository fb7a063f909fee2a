// Lua scripts over one user's session hash (keys.session(userId), on the user's `{u:}` slot).
// Field names: sid, cert, operator, roles, name, createdAt, lastSeen, mustChange.

import { END_SESSION_WITH_REASON } from '../users/user-scripts.js';

export const SESSION_SCRIPTS = {
  /**
   * KEYS: session, session-ended. ARGV: sid, cert, now, idleMs, maxAgeMs, graceMs.
   * → {status}, {'ended', reason} or {'ok', sid, cert, operator, roles, name, createdAt, lastSeen, mustChange}.
   * A different sid is someone else's (newer) login: left alone, answered 'replaced'. The second
   * key is read only when the session is gone, to tell that terminal an administrator ended it.
   */
  cgSessionTouch: {
    numberOfKeys: 2,
    lua: `
local s = redis.call('HMGET', KEYS[1], 'sid', 'cert', 'operator', 'roles', 'name', 'createdAt', 'lastSeen', 'mustChange')
if not s[1] then
  local e = redis.call('GET', KEYS[2])
  if e then
    local sid, reason = string.match(e, '^(.-)|(.*)$')
    if sid == ARGV[1] then return {'ended', reason} end
  end
  return {'gone'}
end
if s[1] ~= ARGV[1] then return {'replaced'} end
if s[2] ~= ARGV[2] then redis.call('DEL', KEYS[1]) return {'cert-mismatch'} end
local now = tonumber(ARGV[3])
local idle = tonumber(ARGV[4])
local maxAge = tonumber(ARGV[5])
local created = tonumber(s[6]) or 0
local seen = tonumber(s[7]) or 0
if now - created >= maxAge then redis.call('DEL', KEYS[1]) return {'expired'} end
if now - seen >= idle then redis.call('DEL', KEYS[1]) return {'idle'} end
redis.call('HSET', KEYS[1], 'lastSeen', ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.floor(math.min(idle, created + maxAge - now) + tonumber(ARGV[6])))
return {'ok', s[1], s[2], s[3] or '', s[4] or '', s[5] or '', tostring(created), ARGV[3], s[8] or '0'}`,
  },
  /** KEYS: session, session-ended → 1 ended, 0 there was none. An administrator's kill: the terminal is told why. */
  cgSessionKill: {
    numberOfKeys: 2,
    lua: `${END_SESSION_WITH_REASON}
return end_session(KEYS[1], KEYS[2], 'ended-by-admin')`,
  },
  /**
   * KEYS: session, session-ended. ARGV: sid, cert, now, idleMs, maxAgeMs. Same verdicts as
   * cgSessionTouch but read-only: it runs in parallel with the certificate gate, before anyone knows
   * whether the request will be refused, so it must neither refresh nor end anything (cgSessionTouch
   * does that once the request is accepted).
   */
  cgSessionPeek: {
    numberOfKeys: 2,
    lua: `
local s = redis.call('HMGET', KEYS[1], 'sid', 'cert', 'operator', 'roles', 'name', 'createdAt', 'lastSeen', 'mustChange')
if not s[1] then
  local e = redis.call('GET', KEYS[2])
  if e then
    local sid, reason = string.match(e, '^(.-)|(.*)$')
    if sid == ARGV[1] then return {'ended', reason} end
  end
  return {'gone'}
end
if s[1] ~= ARGV[1] then return {'replaced'} end
if s[2] ~= ARGV[2] then return {'cert-mismatch'} end
local now = tonumber(ARGV[3])
local created = tonumber(s[6]) or 0
local seen = tonumber(s[7]) or 0
if now - created >= tonumber(ARGV[5]) then return {'expired'} end
if now - seen >= tonumber(ARGV[4]) then return {'idle'} end
return {'ok', s[1], s[2], s[3] or '', s[4] or '', s[5] or '', tostring(created), tostring(seen), s[8] or '0'}`,
  },
  /** KEYS: session. ARGV: sid → 1 deleted, 0 not this session (a newer login is never ended by an old cookie). */
  cgSessionEnd: {
    numberOfKeys: 1,
    lua: `
if redis.call('HGET', KEYS[1], 'sid') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
} as const;

export interface SessionScripts {
  cgSessionTouch(session: string, sessionEnded: string, sid: string, cert: string, now: string, idleMs: string, maxAgeMs: string, graceMs: string): Promise<string[]>;
  cgSessionKill(session: string, sessionEnded: string): Promise<number>;
  cgSessionEnd(session: string, sid: string): Promise<number>;
  cgSessionPeek(session: string, sessionEnded: string, sid: string, cert: string, now: string, idleMs: string, maxAgeMs: string): Promise<string[]>;
}
