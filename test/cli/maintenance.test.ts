// `certgate maintenance …` in-process against a real redis-server: the hash every gateway reads.
import t from 'tap';
import { startRedis } from '../helpers/redis-server.js';
import { cliFor } from '../helpers/cli.js';
import { keys } from '../../src/store/keys.js';

const server = await startRedis();
const raw = server.client();
const cli = cliFor({ REDIS_URL: server.url, SUDO_USER: 'opsadmin' });
t.teardown(() => server.stop());

t.test('maintenance on / status / off', async (t) => {
  t.equal((await cli('maintenance', 'status')).out, 'maintenance mode is off\n');
  t.same((await cli('maintenance', 'status', '--json')).json(), { on: false, message: null, since: null });
  const on = await cli('maintenance', 'on', '--message', '18:00 まで停止します');
  t.equal(on.code, 0);
  t.match(on.out, /maintenance mode is on \(message: 18:00 まで停止します\)/);
  t.match(await raw.hgetall(keys.maintenance), { on: '1', message: '18:00 まで停止します' });
  t.match((await cli('maintenance', 'status', '--json')).json(), { on: true, message: '18:00 まで停止します', since: /^\d{4}-/ });
  t.match((await cli('maintenance', 'status')).out, /^maintenance mode is on since .*\(message: 18:00 まで停止します\)\n$/);
  // Switching on again without a message drops the old one.
  await cli('maintenance', 'on');
  t.equal(await raw.hget(keys.maintenance, 'message'), null);
  t.equal((await cli('maintenance', 'off')).out, 'maintenance mode is off\n');
  t.equal(await raw.exists(keys.maintenance), 0);
  t.equal((await cli('maintenance', 'off')).out, 'maintenance mode was not on\n');
  const actions = (await raw.xrange(keys.audit, '-', '+')).map(([, f]) => f[1]);
  t.ok(actions.includes('maintenance.on') && actions.includes('maintenance.off'));
  t.equal((await cli('maintenance')).code, 2, 'a missing subcommand is a usage error');
});
