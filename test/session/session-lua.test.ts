// The session hash's Lua fragments (src/session/session-lua.ts) run against a real redis-server, each
// called the way a script in users/ or auth/ calls it: what they leave in the hash is SESSION_FIELDS,
// and every rule a caller relies on (liveness, the end marker, the password-change survivor) holds.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { keys } from '../../src/store/keys.js';
import {
  SESSION_CREATE,
  SESSION_END_IF_CERT,
  SESSION_END_WITH_REASON,
  SESSION_FIELDS,
  SESSION_LIVE,
  SESSION_PASSWORD_CHANGED,
  SESSION_VERDICT,
} from '../../src/session/session-lua.js';

const server = await startRedis();
const redis = server.client();
t.teardown(() => server.stop());

const S = keys.session('alice');
const ENDED = keys.sessionEnded('alice');
const IDLE = 30 * 60_000;
const MAX_AGE = 12 * 3_600_000;
const GRACE = 60_000;
const T0 = 1_764_000_000_000;

/** Runs one fragment's function from a throw-away script on the user's slot. */
const run = (lua: string, keyList: string[], ...args: (string | number)[]) => redis.eval(lua, keyList.length, ...keyList, ...args.map(String));

const create = (sid: string, now: number, mustChange = '0') =>
  run(
    `${SESSION_CREATE}
session_create(KEYS[1], {sid = ARGV[1], cert = 'iss:0A', operator = 'OP1', roles = 'operator-staff', name = '太郎', mustChange = ARGV[3]},
  ARGV[2], tonumber(ARGV[2]), ${IDLE}, ${MAX_AGE}, ${GRACE})`,
    [S],
    sid,
    now,
    mustChange,
  );

const verdict = (sid: string, cert: string, now: number) =>
  run(
    `${SESSION_VERDICT}
local s, reply, doomed = session_verdict(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), ${IDLE}, ${MAX_AGE})
if s then return session_ok_reply(s, ARGV[3]) end
table.insert(reply, doomed and 'doomed' or 'kept')
return reply`,
    [S, ENDED],
    sid,
    cert,
    now,
  ) as Promise<string[]>;

const live = async (now: number) => run(`${SESSION_LIVE}\nlocal l = session_live(KEYS[1], tonumber(ARGV[1]), ${IDLE}, ${MAX_AGE})\nif l == nil then return 'none' end\nreturn l and 'live' or 'dead'`, [S], now);

t.beforeEach(async () => {
  await redis.del(S, ENDED);
});

t.test('session_create writes exactly the SESSION_FIELDS, replacing the old session, with the idle expiry plus grace', async (t) => {
  await redis.hset(S, { sid: 'old', stray: 'x' });
  await create('s1', T0);
  const h = await redis.hgetall(S);
  t.same(Object.keys(h).sort(), [...SESSION_FIELDS].sort(), 'the fields of the hash');
  t.match(h, { sid: 's1', cert: 'iss:0A', operator: 'OP1', roles: 'operator-staff', name: '太郎', createdAt: String(T0), lastSeen: String(T0), mustChange: '0' });
  const ttl = await redis.pttl(S);
  t.ok(ttl > IDLE && ttl <= IDLE + GRACE, `expiry ${ttl} ms`);
});

t.test('session_verdict: every verdict, and which ones doom the hash', async (t) => {
  t.same(await verdict('s1', 'iss:0A', T0), ['gone', 'kept'], 'no session');
  await create('s1', T0, '1');
  t.same(await verdict('s1', 'iss:0A', T0 + 1000), ['ok', 's1', 'iss:0A', 'OP1', 'operator-staff', '太郎', String(T0), String(T0 + 1000), '1'], 'live');
  t.same(await verdict('s0', 'iss:0A', T0 + 1000), ['replaced', 'kept'], 'another login is left alone');
  t.same(await verdict('s1', 'iss:0B', T0 + 1000), ['cert-mismatch', 'doomed'], 'other certificate');
  t.same(await verdict('s1', 'iss:0A', T0 + IDLE), ['idle', 'doomed'], 'idle at exactly the timeout');
  t.same(await verdict('s1', 'iss:0A', T0 + MAX_AGE), ['expired', 'doomed'], 'absolute age before idle');
  t.equal(await redis.exists(S), 1, 'the verdict itself never writes');
});

t.test('session_end_with_reason leaves the reason for that sid only, as long as the session would have lived', async (t) => {
  await create('s1', T0);
  t.equal(await run(`${SESSION_END_WITH_REASON}\nreturn session_end_with_reason(KEYS[1], KEYS[2], 'account-locked')`, [S, ENDED]), 1);
  t.equal(await redis.exists(S), 0, 'session gone');
  t.equal(await redis.get(ENDED), 's1|account-locked');
  t.ok((await redis.pttl(ENDED)) > IDLE, 'marker lives as long as the session would have');
  t.same(await verdict('s1', 'iss:0A', T0 + 1000), ['ended', 'account-locked', 'kept'], 'that terminal is told why');
  t.same(await verdict('s2', 'iss:0A', T0 + 1000), ['gone', 'kept'], 'another cookie is not');
  t.equal(await run(`${SESSION_END_WITH_REASON}\nreturn session_end_with_reason(KEYS[1], KEYS[2], 'ended-by-admin')`, [S, ENDED]), 0, 'nothing to end');
  t.equal(await redis.get(ENDED), 's1|account-locked', 'an empty end leaves the marker alone');
});

t.test('session_live tells none, live and dead apart (single login)', async (t) => {
  t.equal(await live(T0), 'none');
  await create('s1', T0);
  t.equal(await live(T0 + IDLE - 1), 'live');
  t.equal(await live(T0 + IDLE), 'dead');
});

t.test('session_password_changed keeps only the session that changed it, under its new id', async (t) => {
  const changed = (keep: string, next: string) => run(`${SESSION_PASSWORD_CHANGED}\nsession_password_changed(KEYS[1], ARGV[1], ARGV[2])`, [S], keep, next);
  await create('s1', T0, '1');
  await changed('s1', 's1b');
  t.match(await redis.hgetall(S), { sid: 's1b', mustChange: '0', cert: 'iss:0A' }, 'rotated, no change pending');
  await changed('s1b', '');
  t.match(await redis.hgetall(S), { sid: 's1b', mustChange: '0' }, 'kept under its id when no new one is given');
  await changed('other', 's9');
  t.equal(await redis.exists(S), 0, 'any other session ends');
  await create('s2', T0);
  await changed('', '');
  t.equal(await redis.exists(S), 0, 'a change from outside a session (reset flow) ends it');
});

t.test('session_end_if_cert', async (t) => {
  await create('s1', T0);
  t.equal(await run(`${SESSION_END_IF_CERT}\nreturn session_end_if_cert(KEYS[1], ARGV[1])`, [S], 'iss:0B'), 0, 'bound to another certificate: kept');
  t.equal(await run(`${SESSION_END_IF_CERT}\nreturn session_end_if_cert(KEYS[1], ARGV[1])`, [S], 'iss:0A'), 1, 'its certificate: ended');
});
