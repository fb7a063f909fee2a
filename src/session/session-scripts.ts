// Lua scripts over one user's session hash (keys.session(userId), on the user's `{u:}` slot), built
// from the fragments in session-lua.ts, which scripts in users/ and auth/ share.
import { SESSION_END_IF, SESSION_END_IF_CERT, SESSION_END_WITH_REASON, SESSION_REFRESH, SESSION_VERDICT } from './session-lua.js';

export const SESSION_SCRIPTS = {
  /**
   * KEYS: session, session-ended. ARGV: sid, cert, now, idleMs, maxAgeMs, graceMs.
   * → {status}, {'ended', reason} or {'ok', sid, cert, operator, roles, name, createdAt, lastSeen, mustChange}.
   * A dead session (other certificate, expired, idle) is deleted; a live one gets lastSeen = now.
   */
  cgSessionTouch: {
    numberOfKeys: 2,
    lua: `${SESSION_VERDICT}${SESSION_REFRESH}
local now = tonumber(ARGV[3])
local s, reply, doomed = session_verdict(KEYS[1], KEYS[2], ARGV[1], ARGV[2], now, tonumber(ARGV[4]), tonumber(ARGV[5]))
if not s then
  if doomed then redis.call('DEL', KEYS[1]) end
  return reply
end
session_refresh(KEYS[1], s, ARGV[3], now, tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]))
return session_ok_reply(s, ARGV[3])`,
  },
  /** KEYS: session, session-ended → 1 ended, 0 there was none. An administrator's kill: the terminal is told why. */
  cgSessionKill: {
    numberOfKeys: 2,
    lua: `${SESSION_END_WITH_REASON}
return session_end_with_reason(KEYS[1], KEYS[2], 'ended-by-admin')`,
  },
  /**
   * KEYS: session, session-ended. ARGV: sid, cert, now, idleMs, maxAgeMs. Same verdicts as
   * cgSessionTouch but read-only: it runs in parallel with the certificate gate, before anyone knows
   * whether the request will be refused, so it must neither refresh nor end anything (cgSessionTouch
   * does that once the request is accepted).
   */
  cgSessionPeek: {
    numberOfKeys: 2,
    lua: `${SESSION_VERDICT}
local s, reply = session_verdict(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
if not s then return reply end
return session_ok_reply(s, tostring(tonumber(s[7]) or 0))`,
  },
  /** KEYS: session. ARGV: sid → 1 deleted, 0 not this session (a newer login is never ended by an old cookie). */
  cgSessionEnd: {
    numberOfKeys: 1,
    lua: `${SESSION_END_IF}
return session_end_if(KEYS[1], ARGV[1])`,
  },
  /** KEYS: session. ARGV: cert → 1 ended, 0 bound to another certificate now (a newer login is left alone). */
  cgSessionEndIfCert: {
    numberOfKeys: 1,
    lua: `${SESSION_END_IF_CERT}
return session_end_if_cert(KEYS[1], ARGV[1])`,
  },
} as const;

export interface SessionScripts {
  cgSessionTouch(session: string, sessionEnded: string, sid: string, cert: string, now: string, idleMs: string, maxAgeMs: string, graceMs: string): Promise<string[]>;
  cgSessionKill(session: string, sessionEnded: string): Promise<number>;
  cgSessionEnd(session: string, sid: string): Promise<number>;
  cgSessionEndIfCert(session: string, cert: string): Promise<number>;
  cgSessionPeek(session: string, sessionEnded: string, sid: string, cert: string, now: string, idleMs: string, maxAgeMs: string): Promise<string[]>;
}
