// The store cost of a proxied request with a live session: one GET of the certificate's registration
// and the session-touch script, sent together (one round trip), and no other command — the
// maintenance flag comes from the gateway's local copy (its background refresh is not per request).
import t from 'tap';
import { startStack } from '../helpers/stack.js';
import { keys } from '../../src/store/keys.js';
import { watchCommands } from '../helpers/redis-watch.js';

t.test('one registration read and one session script per proxied request, nothing else', async (t) => {
  const stack = await startStack();
  t.teardown(() => stack.close());
  const password = await stack.createUser('sato');
  const cookie = await stack.login('demo', 'sato', password);
  const { Agent } = await import('node:https');
  const client = stack.pki.clients.demo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1, cert: client.certPem, key: client.keyPem, ca: stack.pki.ca.certPem });
  t.teardown(() => agent.destroy());
  t.equal((await stack.request('demo', '/warm', { cookie, agent })).status, 200, 'scripts loaded, connection open');

  // MONITOR shows every command a client sends; commands run inside a script are marked "lua".
  // The maintenance copy's refresh (HMGET of the flag, twice a second) is per process, not per request.
  const watch = await watchCommands(stack.redis.client(), (c, source) => source !== 'lua' && !(c[0] === 'hmget' && c[1] === keys.maintenance));
  const n = 20;
  for (let i = 0; i < n; i++) t.equal((await stack.request('demo', `/page/${i}`, { cookie, agent })).status, 200);
  await watch.stop();
  const sent = watch.sent.map((c) => c[0]);
  t.equal(sent.length, 2 * n, `${2 * n} commands for ${n} requests`);
  t.equal(sent.filter((c) => c === 'get').length, n, 'one registration GET per request');
  t.equal(sent.filter((c) => c === 'evalsha').length, n, 'one session script per request');
});
