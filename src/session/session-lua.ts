// The session hash (keys.session(userId)) as Lua fragments: its fields and every rule that reads or
// writes it, spelled only here. Scripts elsewhere (login in auth/, lock and password changes in
// users/) include these fragments so they stay atomic with the user record on the `{u:<userId>}` slot.
// Each fragment defines `local function session_…` helpers; a script concatenates the fragments it
// needs before its own body. Replies of the verdict are decoded by session-store.ts.

/** Field names of the session hash, in the order the verdict reads them (HMGET) and replies. */
export const SESSION_FIELDS = ['sid', 'cert', 'operator', 'roles', 'name', 'createdAt', 'lastSeen', 'mustChange'] as const;
export type SessionField = (typeof SESSION_FIELDS)[number];

const HMGET_FIELDS = SESSION_FIELDS.map((f) => `'${f}'`).join(', ');

/** The age rule shared by the verdict and the login's liveness check (not exported: part of both). */
const SESSION_AGE = `
local function session_age(created, seen, now, idle, maxAge)
  if now - created >= maxAge then return 'expired' end
  if now - seen >= idle then return 'idle' end
  return nil
end
`;

/**
 * `session_verdict(session, ended, sid, cert, now, idle, maxAge)` → `s` (the fields, in SESSION_FIELDS
 * order) when the cookie's session is live, else `nil, reply, doomed`: reply is {'gone'},
 * {'ended', reason}, {'replaced'}, {'cert-mismatch'}, {'expired'} or {'idle'}, and doomed says the hash
 * is dead (the caller that may write deletes it; a read-only caller leaves it). A different sid is
 * someone else's (newer) login: not doomed. `ended` is read only when the session is gone, to tell
 * that terminal an administrator ended it (session_end_with_reason).
 * `session_ok_reply(s, lastSeen)` is the {'ok', …} reply session-store.ts decodes.
 */
export const SESSION_VERDICT = `${SESSION_AGE}
local function session_verdict(session, ended, sid, cert, now, idle, maxAge)
  local s = redis.call('HMGET', session, ${HMGET_FIELDS})
  if not s[1] then
    local e = redis.call('GET', ended)
    if e then
      local esid, reason = string.match(e, '^(.-)|(.*)$')
      if esid == sid then return nil, {'ended', reason}, false end
    end
    return nil, {'gone'}, false
  end
  if s[1] ~= sid then return nil, {'replaced'}, false end
  if s[2] ~= cert then return nil, {'cert-mismatch'}, true end
  local age = session_age(tonumber(s[6]) or 0, tonumber(s[7]) or 0, now, idle, maxAge)
  if age then return nil, {age}, true end
  return s
end
local function session_ok_reply(s, lastSeen)
  return {'ok', s[1], s[2], s[3] or '', s[4] or '', s[5] or '', tostring(tonumber(s[6]) or 0), lastSeen, s[8] or '0'}
end
`;

/**
 * `session_refresh(session, s, nowText, now, idle, maxAge, grace)`: an accepted request's lastSeen, and
 * the key's expiry at the nearer of the idle and absolute deadlines plus the grace (so a late request
 * still learns "idle" rather than "gone").
 */
export const SESSION_REFRESH = `
local function session_refresh(session, s, nowText, now, idle, maxAge, grace)
  local created = tonumber(s[6]) or 0
  redis.call('HSET', session, 'lastSeen', nowText)
  redis.call('PEXPIRE', session, math.floor(math.min(idle, created + maxAge - now) + grace))
end
`;

/**
 * `session_live(session, now, idle, maxAge)` → true when a session is stored and within its idle and
 * absolute limits (single login: 'reject' refuses a second login then), false when one is stored
 * but dead, nil when there is none.
 */
export const SESSION_LIVE = `${SESSION_AGE}
local function session_live(session, now, idle, maxAge)
  local s = redis.call('HMGET', session, 'sid', 'createdAt', 'lastSeen')
  if not s[1] then return nil end
  return session_age(tonumber(s[2]) or 0, tonumber(s[3]) or 0, now, idle, maxAge) == nil
end
`;

/**
 * `session_create(session, v, nowText, now, idle, maxAge, grace)`: replaces whatever session the user
 * had with a new one. v = {sid, cert, operator, roles, name, mustChange}: the session is bound to the
 * certificate and carries the user's operator, roles and name as they were at login.
 */
export const SESSION_CREATE = `
local function session_create(session, v, nowText, now, idle, maxAge, grace)
  redis.call('DEL', session)
  redis.call('HSET', session, 'sid', v.sid, 'cert', v.cert, 'operator', v.operator, 'roles', v.roles, 'name', v.name,
    'createdAt', nowText, 'lastSeen', nowText, 'mustChange', v.mustChange)
  redis.call('PEXPIRE', session, math.floor(math.min(idle, maxAge) + grace))
end
`;

/**
 * `session_end_with_reason(session, ended, reason)` → 1 ended, 0 there was none. Ended by something
 * other than the user (an administrator's lock, kill, removal or password reset; failed logins
 * reaching the limit): "<sid>|<reason>" is left at `ended` for as long as the session would have
 * lived, so that terminal is told why (session_verdict reads it).
 */
export const SESSION_END_WITH_REASON = `
local function session_end_with_reason(session, ended, reason)
  local sid = redis.call('HGET', session, 'sid')
  if sid then
    local ttl = redis.call('PTTL', session)
    if ttl > 0 then redis.call('SET', ended, sid .. '|' .. reason, 'PX', ttl) end
  end
  return redis.call('DEL', session)
end
`;

/** `session_end_if(session, sid)` → 1 ended, 0 not this session (an old cookie never ends a newer login). */
export const SESSION_END_IF = `
local function session_end_if(session, sid)
  if redis.call('HGET', session, 'sid') == sid then return redis.call('DEL', session) end
  return 0
end
`;

/**
 * `session_end_if_cert(session, cert)` → 1 ended, 0 bound to another certificate (a session replaced
 * meanwhile by a login with another certificate is left alone).
 */
export const SESSION_END_IF_CERT = `
local function session_end_if_cert(session, cert)
  if redis.call('HGET', session, 'cert') == cert then return redis.call('DEL', session) end
  return 0
end
`;

/**
 * `session_password_changed(session, keepSid, newSid)`: after a password change, the session whose
 * sid is keepSid (the user changed it while logged in) survives with no change pending, under the
 * new id newSid when one is given; any other session of the user ends.
 */
export const SESSION_PASSWORD_CHANGED = `
local function session_password_changed(session, keepSid, newSid)
  if keepSid ~= '' and redis.call('HGET', session, 'sid') == keepSid then
    if newSid and newSid ~= '' then
      redis.call('HSET', session, 'mustChange', '0', 'sid', newSid)
    else
      redis.call('HSET', session, 'mustChange', '0')
    end
  else
    redis.call('DEL', session)
  end
end
`;
