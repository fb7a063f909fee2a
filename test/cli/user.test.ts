// `certgate user …` in-process against a real redis-server: output, --json, exit codes, audit entries.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { cliFor } from '../helpers/cli.js';
import { keys } from '../../src/store/keys.js';
import { checkPasswordRules } from '../../src/users/password-policy.js';

const server = await startRedis();
const raw = server.client();
const cli = cliFor({ REDIS_URL: server.url, SUDO_USER: 'opsadmin' });
t.teardown(() => server.stop());

const auditActions = async () => (await raw.xrange(keys.audit, '-', '+')).map(([, f]) => ({ action: f[1], actor: f[3], target: f[5], source: f[7] }));

t.test('add prints a temporary password; --json carries it', async (t) => {
  t.equal((await cli('operator', 'add', 'OP1', '--name', 'Operator One')).code, 0);
  const r = await cli('user', 'add', 'alice', '--operator', 'OP1', '--name', '事業者 太郎');
  t.equal(r.code, 0, r.err);
  const password = /temporary password: (\S+)/.exec(r.out)?.[1] ?? '';
  t.equal(checkPasswordRules(password, 'alice'), undefined, 'meets the policy');
  t.match(r.out, /created user alice \(operator OP1, roles operator-staff\)/);

  const j = await cli('user', 'add', 'bob', '--operator', 'OP1', '--role', 'operator-admin', '--role', 'reviewer', '--json');
  t.equal(j.code, 0, j.err);
  const doc = j.json<{ userId: string; temporaryPassword: string; roles: string[]; mustChange: boolean }>();
  t.match(doc, { userId: 'bob', roles: ['operator-admin', 'reviewer'], mustChange: true, operator: 'OP1' });
  t.equal(doc.temporaryPassword.length, 16);
  const entries = await auditActions();
  t.match(entries.filter((e) => e.action === 'user.add'), [{ actor: 'opsadmin', target: 'alice', source: 'cli' }, { target: 'bob' }]);
  t.notOk(JSON.stringify(await raw.xrange(keys.audit, '-', '+')).includes(doc.temporaryPassword), 'no password in the audit log');
});

t.test('add errors: exit codes and one line', async (t) => {
  const role = await cli('user', 'add', 'carol', '--operator', 'OP1', '--role', 'superuser');
  t.equal(role.code, 2);
  t.match(role.err, /^certgate: unknown role "superuser"; use one of: operator-admin, operator-staff, reviewer, market-reviewer\n$/);
  const op = await cli('user', 'add', 'carol', '--operator', 'NOPE');
  t.equal(op.code, 1);
  t.match(op.err, /^certgate: operator "NOPE" does not exist; add it first with: certgate operator add NOPE --name <name>\n$/);
  const dup = await cli('user', 'add', 'alice', '--operator', 'OP1');
  t.equal(dup.code, 1);
  t.match(dup.err, /user "alice" already exists/);
  const bad = await cli('user', 'add', '{u:x}', '--operator', 'OP1');
  t.equal(bad.code, 2);
  t.match(bad.err, /is not a valid user ID/);
  const missing = await cli('user', 'add', 'carol');
  t.equal(missing.code, 2);
  t.match(missing.err, /--operator/);
  t.equal(await raw.exists(keys.user('carol')), 0, 'nothing was created');
});

t.test('list and show never show hashes', async (t) => {
  const list = await cli('user', 'list');
  t.equal(list.code, 0);
  t.match(list.out, /USER\s+OPERATOR\s+NAME\s+ROLES\s+STATE/);
  t.match(list.out, /alice\s+OP1\s+事業者 太郎\s+operator-staff\s+must-change/);
  const json = (await cli('user', 'list', '--operator', 'OP1', '--json')).json<Array<{ userId: string }>>();
  t.same(json.map((u) => u.userId), ['alice', 'bob']);
  // A misspelt operator is not "no users yet": it does not exist (exit 1), and nothing is printed on stdout.
  const nope = await cli('user', 'list', '--operator', 'NOPE');
  t.equal(nope.code, 1);
  t.equal(nope.out, '');
  t.equal(nope.err, 'certgate: operator "NOPE" does not exist; see `certgate operator list`\n');
  t.equal((await cli('user', 'list', '--operator', 'NOPE', '--json')).code, 1);
  t.equal((await cli('operator', 'add', 'OTHER', '--name', 'Other')).code, 0);
  t.same((await cli('user', 'list', '--operator', 'OTHER', '--json')).json(), [], 'an existing operator without users: an empty list');
  t.match((await cli('user', 'list', '--operator', 'OTHER')).out, 'operator OTHER has no users yet');
  const show = await cli('user', 'show', 'alice', '--json');
  t.match(show.json(), { userId: 'alice', state: 'must-change', locked: false, failures: 0, session: null });
  const human = await cli('user', 'show', 'alice');
  t.match(human.out, /state:\s+must-change/);
  for (const text of [list.out, show.out, human.out]) t.notMatch(text, /argon2|\$v=19/, 'no hash');
  const none = await cli('user', 'show', 'nobody');
  t.equal(none.code, 1);
  t.match(none.err, /^certgate: user "nobody" does not exist/);
});

t.test('lock, unlock, reset-password, remove', async (t) => {
  await raw.hset(keys.session('alice'), 'sid', 'x'.repeat(32), 'cert', 'c', 'createdAt', String(Date.now()), 'lastSeen', String(Date.now()));
  const lock = await cli('user', 'lock', 'alice');
  t.equal(lock.code, 0);
  t.equal(lock.out, 'locked alice\n');
  t.equal(await raw.exists(keys.session('alice')), 0, 'lock ends the session');
  t.match((await cli('user', 'show', 'alice', '--json')).json(), { state: 'locked', lockedReason: 'admin' });
  t.equal((await cli('user', 'lock', 'alice')).out, 'alice was already locked\n');

  const reset = await cli('user', 'reset-password', 'alice');
  t.equal(reset.code, 0);
  t.match(reset.out, /temporary password: \S{16}/);
  t.match(reset.err, /still locked; run `certgate user unlock alice`/);
  const resetJson = (await cli('user', 'reset-password', 'alice', '--json')).json<{ temporaryPassword: string }>();
  t.equal(resetJson.temporaryPassword.length, 16);

  t.equal((await cli('user', 'unlock', 'alice')).out, 'unlocked alice\n');
  t.match((await cli('user', 'show', 'alice', '--json')).json(), { locked: false, failures: 0, state: 'must-change' });
  t.equal((await cli('user', 'unlock', 'nobody')).code, 1);
  t.equal((await cli('user', 'lock', 'nobody')).code, 1);

  await raw.hset(keys.session('bob'), 'sid', 'y'.repeat(32));
  t.equal((await cli('user', 'remove', 'bob')).out, 'removed bob\n');
  t.equal(await raw.exists(keys.session('bob'), keys.user('bob')), 0, 'user and session gone');
  const again = await cli('user', 'remove', 'bob');
  t.equal(again.code, 1);
  t.match(again.err, /user "bob" does not exist/);

  const actions = (await auditActions()).map((e) => e.action);
  for (const a of ['user.lock', 'user.reset-password', 'user.unlock', 'user.remove']) t.ok(actions.includes(a), a);
});

t.test('store unreachable: exit 1, one line naming REDIS_URL', async (t) => {
  const r = await cliFor({ REDIS_URL: 'redis://127.0.0.1:1' })('user', 'list');
  t.equal(r.code, 1);
  t.match(r.err, /^certgate: the store at redis:\/\/127\.0\.0\.1:1 did not answer \(REDIS_URL\)/);
});
