// The store cost of a proxied request with a live session: the registry+maintenance script and the
// session-touch script, sent together (one round trip), and no other command from the gateway.
import t from 'tap';
import { startStack } from '../helpers/stack.js';

t.test('two scripts per proxied request, nothing else', async (t) => {
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
  const monitor = await stack.redis.client().monitor();
  const sent: string[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua') sent.push(String(args[0]).toLowerCase());
  });
  const n = 20;
  for (let i = 0; i < n; i++) t.equal((await stack.request('demo', `/page/${i}`, { cookie, agent })).status, 200);
  await new Promise((r) => setTimeout(r, 100));
  monitor.disconnect();
  t.equal(sent.length, 2 * n, `${2 * n} commands for ${n} requests`);
  t.same([...new Set(sent)], ['evalsha'], 'all of them script calls');
});
