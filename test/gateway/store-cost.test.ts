// The store cost of a proxied request with a live session. With the local copies (default): none —
// registration and session come from memory kept exact by Redis client tracking, and only a change is
// read again. With CERTGATE_LOCAL_COPY=off: one GET of the certificate's registration and the session
// script, sent together (one round trip), and no other command. The maintenance flag comes from its
// own local copy either way (its background refresh is not per request), and the tracking links'
// heartbeats (ROLE, PING) are per process too.
import t, { type Test } from 'tap';
import { Agent } from 'node:https';
import { startStack, type Stack } from '../helpers/stack.js';
import { feedLive, invalidationOf } from '../helpers/local-copy.js';
import { perProcess, watchCommands, type Command } from '../helpers/redis-watch.js';
import { cliFor } from '../helpers/cli.js';
import { keys } from '../../src/store/keys.js';

/** MONITOR shows every command a client sends; commands run inside a script are marked "lua". */
const perRequest = (c: Command, source: string): boolean => source !== 'lua' && !perProcess(c);

async function loggedInAgent(t: Test, stack: Stack): Promise<{ cookie: string; agent: Agent }> {
  const password = await stack.createUser('sato');
  const cookie = await stack.login('demo', 'sato', password);
  const client = stack.pki.clients.demo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1, cert: client.certPem, key: client.keyPem, ca: stack.pki.ca.certPem });
  t.teardown(() => agent.destroy());
  return { cookie, agent };
}

t.test('local copies: no store command per proxied request; a change is read again on the next request', async (t) => {
  const stack = await startStack();
  t.teardown(() => stack.close());
  const { cookie, agent } = await loggedInAgent(t, stack);
  await feedLive(stack.gateway.deps.feed!);
  // Warm until a request is answered from the copies: the login's own writes are reported on the
  // tracking connection, and a read that such a report overtakes is (rightly) not kept.
  let warm: { status: number; sent: Command[] } = { status: 0, sent: [] };
  for (let i = 0; i < 5; i++) {
    const watch = await watchCommands(stack.redis.client(), perRequest);
    const status = (await stack.request('demo', `/warm/${i}`, { cookie, agent })).status;
    await watch.stop();
    warm = { status, sent: watch.sent };
    if (i > 0 && warm.sent.length === 0) break;
  }
  t.same(warm, { status: 200, sent: [] }, 'copies filled, connection open');

  const quiet = await watchCommands(stack.redis.client(), perRequest);
  const n = 20;
  for (let i = 0; i < n; i++) t.equal((await stack.request('demo', `/page/${i}`, { cookie, agent })).status, 200);
  await quiet.stop();
  t.same(quiet.sent, [], `${n} proxied requests sent no store command`);

  // An administrator ends the session: Redis reports the key, the next request asks the store and is refused.
  const reported = invalidationOf(stack.gateway.deps.feed!, keys.session('sato'));
  const kill = await cliFor({ REDIS_URL: stack.redis.url, CERTGATE_CLIENT_CA: stack.pki.file('ca.crt'), USER: 'tester' })('session', 'kill', 'sato');
  t.equal(kill.code, 0, kill.err);
  await reported;
  const after = await watchCommands(stack.redis.client(), perRequest);
  t.not((await stack.request('demo', '/after-kill', { cookie, agent })).status, 200, 'the killed session is not proxied');
  await after.stop();
  t.ok(
    after.sent.some((c) => c[0] === 'evalsha'),
    'the session was read from the store again',
  );
  t.notOk(
    stack.upstream.received.some((r) => r.url === '/after-kill'),
    'nothing reached the upstream',
  );
});

t.test('CERTGATE_LOCAL_COPY=off: one registration read and one session script per proxied request, nothing else', async (t) => {
  const stack = await startStack({ env: { CERTGATE_LOCAL_COPY: 'off' } });
  t.teardown(() => stack.close());
  t.equal(stack.gateway.deps.feed, undefined, 'no tracking links');
  const { cookie, agent } = await loggedInAgent(t, stack);
  t.equal((await stack.request('demo', '/warm', { cookie, agent })).status, 200, 'scripts loaded, connection open');
  const watch = await watchCommands(stack.redis.client(), perRequest);
  const n = 20;
  for (let i = 0; i < n; i++) t.equal((await stack.request('demo', `/page/${i}`, { cookie, agent })).status, 200);
  await watch.stop();
  const sent = watch.sent.map((c) => c[0]);
  t.equal(sent.length, 2 * n, `${2 * n} commands for ${n} requests`);
  t.equal(sent.filter((c) => c === 'get').length, n, 'one registration GET per request');
  t.equal(sent.filter((c) => c === 'evalsha').length, n, 'one session script per request');
});
