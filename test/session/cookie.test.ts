// The session cookie: round trip, and every kind of tampering rejected before any store lookup.
import t from 'tap';
import { SESSION_COOKIE, clearSessionCookieHeader, decodeSessionCookie, encodeSessionCookie, newSessionId, sessionCookieHeader } from '../../src/session/cookie.js';

const secret = Buffer.from('k'.repeat(32));
const other = Buffer.from('j'.repeat(32));

t.test('round trip', async (t) => {
  const sid = newSessionId();
  t.ok(Buffer.from(sid, 'base64url').length * 8 >= 128, '128+ random bits');
  t.not(newSessionId(), sid);
  for (const userId of ['alice', 'a.b_c@d-e', 'X'.repeat(64)]) {
    t.same(decodeSessionCookie(secret, encodeSessionCookie(secret, userId, sid)), { userId, sid });
  }
});

t.test('tampering', async (t) => {
  const sid = newSessionId();
  const good = encodeSessionCookie(secret, 'alice', sid);
  const [u, s, m] = good.split('.') as [string, string, string];
  const flip = (x: string) => (x[0] === 'A' ? 'B' : 'A') + x.slice(1);
  const bad = [
    undefined,
    '',
    'garbage',
    `${u}.${s}`,
    `${Buffer.from('mallory').toString('base64url')}.${s}.${m}`,
    `${u}.${flip(s)}.${m}`,
    `${u}.${s}.${flip(m)}`,
    `${good}.x`,
    encodeSessionCookie(other, 'alice', sid),
    encodeSessionCookie(secret, '{u:x}', sid),
    encodeSessionCookie(secret, 'alice', 'short'),
    `${good}${'A'.repeat(300)}`,
  ];
  for (const value of bad) t.equal(decodeSessionCookie(secret, value), undefined, JSON.stringify(value)?.slice(0, 40));
});

t.test('cookie attributes', async (t) => {
  const header = sessionCookieHeader(secret, 'alice', newSessionId());
  t.match(header, new RegExp(`^${SESSION_COOKIE}=[^;]+; Path=/; Secure; HttpOnly; SameSite=Strict$`));
  t.notMatch(header, /Domain=/i, '__Host- cookies carry no Domain');
  t.match(clearSessionCookieHeader(), /^__Host-certgate-session=; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=0/);
});
