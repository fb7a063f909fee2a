// `certgate session …` in-process against a real redis-server.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { cliFor } from '../helpers/cli.js';
import { keys } from '../../src/store/keys.js';

const server = await startRedis();
const raw = server.client();
const cli = cliFor({ REDIS_URL: server.url, SUDO_USER: 'opsadmin' });
t.teardown(() => server.stop());

t.test('session list / kill', async (t) => {
  await cli('operator', 'add', 'OP1', '--name', 'One');
  await cli('user', 'add', 'alice', '--operator', 'OP1', '--name', 'Alice');
  await cli('user', 'add', 'bob', '--operator', 'OP1');
  t.equal((await cli('session', 'list')).out, 'no active sessions\n');
  const now = Date.now();
  await raw.hset(keys.session('alice'), { sid: 's'.repeat(32), cert: 'abc123:0A1B2C', operator: 'OP1', roles: 'operator-staff', name: 'Alice', createdAt: now, lastSeen: now, mustChange: '0' });
  // Idle past the default 30 minutes: stored but not active.
  await raw.hset(keys.session('bob'), { sid: 't'.repeat(32), cert: 'abc123:0D', operator: 'OP1', roles: '', name: 'bob', createdAt: now - 3_600_000, lastSeen: now - 3_600_000 });
  const list = await cli('session', 'list');
  t.match(list.out, /USER\s+OPERATOR\s+NAME\s+CERT SERIAL\s+SINCE\s+LAST SEEN\nalice\s+OP1\s+Alice\s+0a 1b 2c\s/);
  t.notMatch(list.out, /\bbob\b/);
  t.notMatch(list.out, /s{32}/, 'the session id is never printed');
  const json = (await cli('session', 'list', '--json')).json<Array<Record<string, unknown>>>();
  t.equal(json.length, 1);
  t.match(json[0], { userId: 'alice', operator: 'OP1', cert: { issuerId: 'abc123', serial: '0A1B2C', displaySerial: '0a 1b 2c' } });
  t.notOk('sid' in json[0]!, 'no session id in JSON either');

  const kill = await cli('session', 'kill', 'alice');
  t.equal(kill.code, 0);
  t.equal(kill.out, 'ended the session of alice\n');
  t.equal(await raw.exists(keys.session('alice')), 0);
  t.equal((await cli('session', 'kill', 'alice')).out, 'alice has no session; nothing to end\n');
  const unknown = await cli('session', 'kill', 'nobody');
  t.equal(unknown.code, 1);
  t.match(unknown.err, /user "nobody" does not exist/);
  const audit = await raw.xrange(keys.audit, '-', '+');
  t.ok(audit.some(([, f]) => f[1] === 'session.kill' && f[5] === 'alice'));
});
