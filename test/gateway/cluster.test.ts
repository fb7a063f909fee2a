// `certgate serve` with CERTGATE_WORKERS=2 (the compiled CLI, as operators run it): workers share
// session-ticket keys so a ticket from one worker resumes on the other, the primary answers the ops
// endpoints for all of them, and SIGTERM stops the whole tree with exit code 0.
import t from 'tap';
import { testPki } from '../helpers/pki.js';
import { startRedis } from '../helpers/redis-server.js';
import { tlsExchange } from '../helpers/tls-session.js';
import { startUpstreamStub } from '../helpers/upstream-stub.js';
import { needsBuild, readyServe, startServe } from '../helpers/cluster-process.js';
import { keys } from '../../src/store/keys.js';
import { encodeRegistration } from '../../src/registry/registration.js';
import { readCertificate } from '../../src/tls/certificate.js';

t.test('two workers behind one port', { skip: needsBuild }, async (t) => {
  const pki = testPki();
  const redis = await startRedis();
  const upstream = await startUpstreamStub();
  t.teardown(async () => {
    await upstream.close();
    await redis.stop();
  });
  const facts = readCertificate(pki.clients.demo.der);
  await redis.client().set(keys.registration(facts.issuerId, facts.serial), encodeRegistration({ issuerId: facts.issuerId, serial: facts.serial, operatorId: 'DEMO', addedAt: Date.now() }));
  const serve = await startServe(t, {
    redisUrl: redis.url,
    upstreamUrl: upstream.url,
    clientCa: pki.file('ca.crt'),
    cert: pki.file('server.crt'),
    key: pki.file('server.key'),
    env: { CERTGATE_WORKERS: '2' },
  });
  const { child, port, opsPort, exited } = serve;

  t.ok(await readyServe(serve), `ready with both workers listening ${serve.stderr()}`);

  const ca = pki.ca.certPem;
  const first = await tlsExchange(port, { ca, cert: pki.clients.demo.certPem, key: pki.clients.demo.keyPem });
  t.equal(first.status, 200);
  const resumed = [];
  for (let i = 0; i < 6; i++) resumed.push(await tlsExchange(port, { ca, session: first.session! }));
  t.same(
    resumed.map((r) => [r.reused, r.status]),
    resumed.map(() => [true, 200]),
    'every connection resumed, whichever worker took it',
  );
  const anonymous = await tlsExchange(port, { ca });
  const sneaky = await tlsExchange(port, { ca, session: anonymous.session! });
  t.equal(sneaky.reason, 'cert-missing', 'a resumed certificate-less session is refused on every worker');

  const metrics = await fetch(`http://127.0.0.1:${opsPort}/metrics`).then((r) => r.text());
  t.match(metrics, /certgate_requests_total\{outcome="auth-page"\} 7/, 'metrics aggregated over workers');
  t.match(metrics, /certgate_certificates\{state="active"\} 1\n/, 'sampled gauges are not multiplied by the worker count');

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM stops primary and workers with exit code 0');
  await t.rejects(tlsExchange(port, { ca }), 'port closed');
});
