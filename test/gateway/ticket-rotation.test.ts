// Session-ticket keys rotate (CERTGATE_TLS_TICKET_ROTATION) in a single process and, with
// CERTGATE_WORKERS=2, the primary hands every worker the same new keys: a new ticket resumes on
// whichever worker takes the connection, a ticket from before the rotation no longer does.
import t from 'tap';
import { testPki } from '../helpers/pki.js';
import { startRedis } from '../helpers/redis-server.js';
import { tlsExchange } from '../helpers/tls-session.js';
import { startUpstreamStub } from '../helpers/upstream-stub.js';
import { startStack } from '../helpers/stack.js';
import { eventually, needsBuild, readyServe, startServe } from '../helpers/cluster-process.js';

// Rotation runs on the gateway's own timer, so these tests wait for it: each wait is for an observed
// change, with a generous ceiling (not a speed check).
t.test('one process rotates its own keys', async (t) => {
  const stack = await startStack({ env: { CERTGATE_TLS_TICKET_ROTATION: '1s' } });
  t.teardown(() => stack.close());
  const before = stack.gateway.server.getTicketKeys().toString('hex');
  const after = await eventually(() => {
    const now = stack.gateway.server.getTicketKeys().toString('hex');
    return now !== before ? now : undefined;
  });
  t.ok(after, 'new keys after the rotation interval');
  t.not(after, before);
});

t.test('workers share each new set of keys', { skip: needsBuild }, async (t) => {
  const pki = testPki();
  const redis = await startRedis();
  const upstream = await startUpstreamStub();
  t.teardown(async () => {
    await upstream.close();
    await redis.stop();
  });
  const serve = await startServe(t, {
    redisUrl: redis.url,
    upstreamUrl: upstream.url,
    clientCa: pki.file('ca.crt'),
    cert: pki.file('server.crt'),
    key: pki.file('server.key'),
    env: { CERTGATE_WORKERS: '2', CERTGATE_TLS_TICKET_ROTATION: '6s' },
  });
  const { child, port } = serve;
  const ready = (await readyServe(serve)) as { checks: Record<string, { ok: boolean }> } | undefined;
  t.ok(ready, `ready with both workers listening ${serve.stderr()}`);
  t.equal(ready?.checks.hasher?.ok, true, "the primary's readiness includes every worker's argon2 child");
  const ca = pki.ca.certPem;
  const client = { ca, cert: pki.clients.demo.certPem, key: pki.clients.demo.keyPem };
  // A fresh ticket resumes on every worker; a rotation may fall inside one try (seven handshakes,
  // slow on a loaded machine), so up to ten tries.
  const freshTicketResumesEverywhere = async (): Promise<Buffer | undefined> => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ticket = (await tlsExchange(port, client)).session!;
      const reused = [];
      for (let i = 0; i < 6; i++) reused.push((await tlsExchange(port, { ca, session: ticket })).reused);
      if (reused.every(Boolean)) return ticket;
    }
    return undefined;
  };
  const old = await freshTicketResumesEverywhere();
  t.ok(old, 'a ticket resumes on every worker');
  const rotated = old && (await eventually(async () => ((await tlsExchange(port, { ca, session: old })).reused ? undefined : true), undefined, 200));
  t.ok(rotated, 'a ticket from before the rotation is no longer accepted');
  t.ok(await freshTicketResumesEverywhere(), 'a ticket issued under the new keys resumes on every worker');
  child.kill('SIGTERM');
});
