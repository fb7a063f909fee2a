// One owner per stored record (ARCHITECTURE.md "Stores and keys"): only session/ touches the session
// hash and only users/ the user record (other scripts pass their keys to the owners' Lua fragments),
// only users/lock-rule.ts spells the lock rule's fields, only maintenance/maintenance-store.ts reads
// or writes the maintenance hash.
// The same checker is first shown to catch each kind of stray, so the scan of src/ cannot pass by
// reading nothing.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkOwners, declaredKeys, type Source } from '../helpers/record-owners.js';
import { SESSION_FIELDS } from '../../src/session/session-lua.js';
import { LOCK_FIELDS } from '../../src/users/lock-rule.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const owners = {
  session: 'src/session/',
  users: 'src/users/',
  lockRule: 'src/users/lock-rule.ts',
  maintenance: 'src/maintenance/maintenance-store.ts',
  sessionFields: SESSION_FIELDS,
  lockFields: Object.values(LOCK_FIELDS),
};

function sourcesUnder(dir: string): Source[] {
  const out: Source[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const full = join(entry.parentPath, entry.name);
    out.push({ path: relative(root, full).split('\\').join('/'), text: readFileSync(full, 'utf8') });
  }
  return out;
}

const rulesOf = (sources: Source[]) => checkOwners(sources, owners).findings.map((f) => f.rule);

t.test('the checker catches each kind of stray', async (t) => {
  const script = (keysDoc: string, n: number, lua: string) =>
    `export const S = {\n  /** KEYS: ${keysDoc}. ARGV: x. */\n  cgX: {\n    numberOfKeys: ${n},\n    lua: \`${lua}\`,\n  },\n};\n`;

  t.same(rulesOf([{ path: 'src/auth/x.ts', text: script('user, attempts, session', 3, "redis.call('HSET', KEYS[3], 'mustChange', '0')") }]), ['session-key-in-lua'],
    'a script writing the session key itself (a field shared with the user record)');
  t.same(rulesOf([{ path: 'src/auth/x.ts', text: script('user, session', 2, "local k = KEYS[2]\nsession_drop(KEYS[2])\nredis.call('DEL', k)") }]), ['session-key-in-lua'],
    'the session key through a local variable');
  t.same(rulesOf([{ path: 'src/users/x.ts', text: script('user, session', 2, "redis.call('HGET', KEYS[2], 'sid')") }]).sort(), ['session-field-in-lua', 'session-key-in-lua'],
    'a session-only field name');
  t.same(rulesOf([{ path: 'src/users/x.ts', text: script('user, attempts', 2, 'session_drop(KEYS[2])') }]), ['keys-undeclared'],
    'a session fragment given a key the doc calls something else');
  t.same(rulesOf([{ path: 'src/users/x.ts', text: script('user', 2, "redis.call('DEL', KEYS[2])") }]), ['keys-undeclared'], 'KEYS not all named');
  t.same(rulesOf([{ path: 'src/auth/x.ts', text: "export const S = {\n  cgX: {\n    numberOfKeys: 1,\n    lua: `return 1`,\n  },\n};\n" }]), ['keys-undeclared'], 'a script without a doc comment');
  t.same(rulesOf([{ path: 'src/auth/x.ts', text: script('user, attempts', 2, "local u = redis.call('HMGET', KEYS[1], 'hash', 'operator')") }]), ['user-key-in-lua'],
    'a login script reading the user record itself');
  t.same(rulesOf([{ path: 'src/auth/x.ts', text: script('user, attempts', 2, "if lock_is_locked(KEYS[1]) then return 1 end\nlocal u = user_login_facts(KEYS[1])\nredis.call('ZREM', KEYS[2], ARGV[1])") }]), [],
    'the user record only through users/ fragments');
  t.same(rulesOf([{ path: 'src/auth/x.ts', text: script('user, attempts', 2, 'user_logged_in(KEYS[2], ARGV[1])') }]), ['keys-undeclared'], 'a user fragment given another key');
  t.same(rulesOf([{ path: 'src/users/x.ts', text: script('user, session', 2, "session_drop(KEYS[2])\nreturn redis.call('EXISTS', KEYS[1])") }]), [], 'the session key only through a fragment');

  t.same(rulesOf([{ path: 'src/cli/x.ts', text: 'await redis.hgetall(keys.session(id));' }]), ['session-key-in-code'], 'a direct read of the session hash');
  t.same(rulesOf([{ path: 'src/cli/x.ts', text: 'await redis.del(keys.user(id), keys.sessionEnded(id));' }]), ['session-key-in-code'], 'a delete of the session-ended marker');
  t.same(rulesOf([{ path: 'src/cli/x.ts', text: "await redis.eval(SCRIPT, 1, keys.session(id), 'x');" }]), ['session-key-in-code'], 'an ad-hoc script over the session key');
  t.same(rulesOf([{ path: 'src/cli/x.ts', text: 'await this.r.cgUserLock(keys.user(id), keys.session(id), keys.sessionEnded(id));\nawait recordWrite(a, r, [keys.session(id)], by, "x");\n// keys.session(id) in a comment' }]), [],
    'script arguments, an audit key list and comments are allowed');

  t.same(rulesOf([{ path: 'src/auth/x.ts', text: "const L = `redis.call('HSET', KEYS[1], 'locked', '1')`;" }]), ['lock-field'], 'a lock field written outside lock-rule.ts');
  t.same(rulesOf([{ path: 'src/users/x.ts', text: "const L = `local f = redis.call('HINCRBY', KEYS[1], 'failures', 1)`;" }]), ['lock-field'], 'the failure counter outside lock-rule.ts');
  t.same(rulesOf([{ path: 'src/users/x.ts', text: "const F = { at: 'lockedAt' };" }]), ['lock-field'], 'a lock field name in code');
  t.same(rulesOf([{ path: 'src/users/x.ts', text: "return { status: 'locked' };" }]), [], "the verdict 'locked' is not a field");

  t.same(rulesOf([{ path: 'src/gateway/x.ts', text: "await store.hmget(keys.maintenance, 'on');" }]), ['maintenance-key'], 'the maintenance hash read outside its owner');
  t.same(rulesOf([{ path: 'src/gateway/x.ts', text: 'sub.subscribe(keys.maintenanceChanged);' }]), [], 'the change channel is not the hash');

  t.same(rulesOf([{ path: 'src/session/x.ts', text: "const L = `local function f(session) redis.call('HSET', session, 'lastSen', '1') end`;" }]), ['owner-field-unknown'],
    "a typo in the owner's own field name");
  t.same(rulesOf([{ path: 'src/users/lock-rule.ts', text: "const L = `local function f(user) redis.call('HSET', user, 'lockedBy', '1') end`;" }]), ['owner-field-unknown'],
    "a typo in the lock rule's own field name");

  t.same(declaredKeys('/**\n   * The whole of a login. KEYS: user, attempts,\n   * session. ARGV: token. */'), ['user', 'attempts', 'session'], 'KEYS read across doc lines');
});

t.test('src/: every stored record is read and written by its owner only', async (t) => {
  const { findings, coverage } = checkOwners(sourcesUnder('src'), owners);
  t.same(findings, [], 'no stray');
  // The scan read the scripts that must go through session/'s fragments: none may slip out of view.
  for (const name of ['cgLoginSuccess', 'cgAttemptReserve', 'cgAttemptFail', 'cgUserLock', 'cgUserRemove', 'cgUserResetPassword', 'cgUserChangePassword']) {
    t.ok(coverage.sessionScripts.has(name), `${name} is seen taking the session key`);
  }
  for (const name of ['cgLoginSuccess', 'cgAttemptReserve', 'cgAttemptFail']) t.ok(coverage.userScripts.has(name), `${name} is seen taking the user record's key`);
  t.ok(coverage.luaStrings >= 20, `Lua read (${coverage.luaStrings} scripts)`);
  t.ok(coverage.redisCalls >= 60, `redis.call read (${coverage.redisCalls})`);
  t.ok(coverage.sessionKeyUses >= 8, `session key uses outside session/ checked (${coverage.sessionKeyUses})`);
});

// A script sent as text with EVAL escapes the checks above (they read the named commands and their
// declared KEYS): every script must be a named command registered through store/scripts.ts.
const adHocScripts = (sources: Source[]): string[] =>
  sources.filter((s) => /\.(?:eval|evalsha|evalRo|eval_ro|fcall)\s*\(|\.call\(\s*['"](?:eval|evalsha)['"]/i.test(s.text)).map((s) => s.path);

t.test('src/: no script is sent as ad-hoc text', async (t) => {
  t.same(adHocScripts([{ path: 'src/x.ts', text: "await storeCall(() => redis.eval(\"return redis.call('DEL', KEYS[1])\", 1, key));" }]), ['src/x.ts'], 'an eval is caught');
  t.same(adHocScripts([{ path: 'src/x.ts', text: "await redis.call('EVAL', script, 1, key);" }]), ['src/x.ts'], 'a raw EVAL is caught');
  t.same(adHocScripts([{ path: 'src/x.ts', text: 'await r.cgDeleteIfSame(key, value);' }]), [], 'a named command is not');
  t.same(adHocScripts(sourcesUnder('src')), [], 'every script is a named command (defineScripts)');
});
