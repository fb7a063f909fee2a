// The per-certificate token bucket over real TLS: time is injected into the gateways (no sleeping),
// two gateways sharing one redis-server spend one bucket exactly, 429 carries Retry-After and the
// RateLimit headers, and the bucket costs one script call in the same round trip as the gate lookup.
import { Agent } from 'node:https';
import t from 'tap';
import { createGateway } from '../../src/gateway/create.js';
import { createLogger } from '../../src/log/logger.js';
import { keys } from '../../src/store/keys.js';
import { connectRedis } from '../../src/store/redis.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { testPki } from '../helpers/pki.js';
import { tlsRequest } from '../helpers/tls-client.js';
import { problemOf, registerFor } from '../helpers/api.js';
import { perProcess, watchCommands, watchWrites, type Command } from '../helpers/redis-watch.js';
import { feedLive, invalidationOf } from '../helpers/local-copy.js';
import type { Gateway } from '../../src/gateway/create.js';

const pki = testPki();
// A fixed instant the gateways run at; the certificates are valid around the real time.
const T0 = Math.floor(Date.now() / 1000) * 1000;
let stack: Stack;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_API_PREFIX: '/api', CERTGATE_API_RATE: '2/s', CERTGATE_API_BURST: '3' }, register: ['demo'] });
});
t.teardown(() => stack.close());

const statuses = async (cert: Parameters<Stack['request']>[0], n: number, port = stack.gateway.port) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await tlsRequest({ port, caPem: pki.ca.certPem, client: cert as never, path: '/api/v1/x' })).status);
  return out;
};

t.test('burst, then 429 with Retry-After and RateLimit headers; refills as injected time passes', async (t) => {
  const cert = pki.issueClient({ commonName: 'rate one' });
  await registerFor(stack, cert, 'api');
  let now = T0;
  stack.gateway.deps.clock = () => now;
  t.teardown(() => {
    stack.gateway.deps.clock = () => Date.now();
  });
  const before = stack.upstream.received.length;
  const first = await stack.request(cert, '/api/v1/x');
  t.equal(first.status, 200);
  t.equal(first.headers['ratelimit-policy'], '"certificate";q=3;w=2', 'burst 3, refilled in 2 s at 2/s');
  t.equal(first.headers.ratelimit, '"certificate";r=2;t=1');
  t.same(await statuses(cert, 3), [200, 200, 429]);
  const limited = await stack.request(cert, '/api/v1/x');
  t.equal(limited.status, 429);
  t.equal(limited.headers['retry-after'], '1');
  t.equal(limited.headers.ratelimit, '"certificate";r=0;t=2');
  t.match(problemOf(limited), { status: 429, reason: 'rate-limited', title: 'Too Many Requests' });
  t.equal(stack.upstream.received.length, before + 3, 'only the burst reached the upstream');

  now += 499; // 0.998 tokens: still nothing
  t.same(await statuses(cert, 1), [429]);
  now += 1; // one token
  t.same(await statuses(cert, 2), [200, 429]);
  now += 60_000; // full again, never more than the burst
  t.same(await statuses(cert, 4), [200, 200, 200, 429]);

  const facts = readCertificate(cert.der);
  const key = keys.certRate(facts.issuerId, facts.serial);
  t.equal(key, `cg:{c:${facts.issuerId}:${facts.serial}}:rate`, 'the per-certificate hash tag');
  const admin = stack.redis.client();
  t.equal(await admin.exists(key), 1, 'bucket kept in the store');
  t.ok((await admin.pttl(key)) > 0, 'and expires by itself');
});

t.test('buckets are per certificate; browser routes have none', async (t) => {
  const a = pki.issueClient({ commonName: 'rate a' });
  const b = pki.issueClient({ commonName: 'rate b' });
  await registerFor(stack, a, 'api');
  await registerFor(stack, b, 'api');
  stack.gateway.deps.clock = () => T0 + 10 * 60_000;
  t.teardown(() => {
    stack.gateway.deps.clock = () => Date.now();
  });
  t.same(await statuses(a, 4), [200, 200, 200, 429]);
  t.same(await statuses(b, 4), [200, 200, 200, 429], 'b has its own bucket');
  const demo = readCertificate(pki.clients.demo.der);
  for (let i = 0; i < 5; i++) await stack.request('demo', '/auth/login');
  t.equal(await stack.redis.client().exists(keys.certRate(demo.issuerId, demo.serial)), 0, 'no bucket for browser traffic');
});

t.test('two gateways sharing one redis-server spend one bucket exactly', async (t) => {
  const cert = pki.issueClient({ commonName: 'rate shared' });
  await registerFor(stack, cert, 'api');
  const second = await createGateway(stack.config, { logger: createLogger({ level: 'silent' }) });
  await second.listen();
  t.teardown(() => second.close());
  // Its store connection opens in the background; before it is up the gateway answers 503 (fail closed).
  await connectRedis(second.deps.redis, 10_000);
  let now = T0 + 20 * 60_000;
  stack.gateway.deps.clock = () => now;
  second.deps.clock = () => now;
  t.teardown(() => {
    stack.gateway.deps.clock = () => Date.now();
  });
  const request = (port: number) => tlsRequest({ port, caPem: pki.ca.certPem, client: cert, path: '/api/v1/x' }).then((r) => r.status);
  // 12 requests at once, alternating between the gateways: exactly the burst passes.
  const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => request(i % 2 ? second.port : stack.gateway.port)));
  t.equal(burst.filter((s) => s === 200).length, 3, `3 of 12 passed (${burst.join(',')})`);
  t.equal(burst.filter((s) => s === 429).length, 9);
  now += 1000; // two tokens for both gateways together
  const refill = await Promise.all(Array.from({ length: 8 }, (_, i) => request(i % 2 ? second.port : stack.gateway.port)));
  t.equal(refill.filter((s) => s === 200).length, 2, `2 of 8 passed after one second (${refill.join(',')})`);
});

/**
 * The store commands and socket writes of `n` keep-alive API requests to `gateway`, its clock stepped
 * by `stepMs` per request (the bucket refills 2 tokens a second, so 500 ms keeps every request allowed).
 */
async function apiCost(gateway: Gateway, n: number, stepMs: number) {
  const cert = pki.issueClient({ commonName: `rate monitor ${gateway.port}` });
  const facts = readCertificate(cert.der);
  // The registration's invalidation must have reached the feed before the warm-up reads it: a read it
  // overtakes is (rightly) not kept, and the first measured request would read it again.
  if (gateway.deps.feed) await feedLive(gateway.deps.feed);
  const reported = gateway.deps.feed && invalidationOf(gateway.deps.feed, keys.registration(facts.issuerId, facts.serial));
  await registerFor(stack, cert, 'api');
  await reported;
  const agent = new Agent({ keepAlive: true, maxSockets: 1, cert: cert.certPem, key: cert.keyPem, ca: pki.ca.certPem });
  let now = T0 + 30 * 60_000;
  gateway.deps.clock = () => now;
  try {
    const request = (path: string) => tlsRequest({ port: gateway.port, caPem: pki.ca.certPem, client: cert, path, agent }).then((r) => r.status);
    const warm = await request('/api/warm');
    const watch = await watchCommands(stack.redis.client(), (c, source) => source !== 'lua' && !perProcess(c));
    const written = watchWrites(gateway.deps.redis);
    const statuses: number[] = [];
    try {
      for (let i = 0; i < n; i++) {
        now += stepMs;
        // The maintenance copy refreshes on a real-time timer while this clock leaps ahead: read it at
        // the test's time, so whether a request may use it never depends on that race.
        await gateway.deps.maintenance.read();
        statuses.push(await request(`/api/v1/x/${i}`));
      }
    } finally {
      written.stop();
    }
    await watch.stop();
    return {
      warm,
      statuses,
      sent: watch.sent.map((c) => c[0]),
      writes: written.writes().filter((w) => !w.every(perProcess)),
      lookup: (c: Command) => c[0] === 'get' && c[1] === keys.registration(facts.issuerId, facts.serial),
      bucket: (c: Command) => c[0] === 'evalsha' && c[2] === '1' && c[3] === keys.certRate(facts.issuerId, facts.serial),
    };
  } finally {
    agent.destroy();
    gateway.deps.clock = () => Date.now();
  }
}

t.test('local copy: the bucket script is the only store command of an API request, one write each', async (t) => {
  const n = 8;
  const cost = await apiCost(stack.gateway, n, 500);
  t.equal(cost.warm, 200, 'registration read once and kept');
  t.same(cost.statuses, Array(n).fill(200));
  t.same(cost.sent, Array(n).fill('evalsha'), 'one bucket script per request, nothing else');
  t.equal(cost.writes.length, n, 'one write to Redis per request');
  t.ok(
    cost.writes.every((w) => w.length === 1 && cost.bucket(w[0]!)),
    'each holds exactly the bucket script',
  );
});

t.test('CERTGATE_LOCAL_COPY=off: one script call for the bucket, sent in the same write as the gate lookup', async (t) => {
  const gateway = await createGateway({ ...stack.config, localCopy: false }, { logger: createLogger({ level: 'silent' }) });
  await gateway.listen();
  t.teardown(() => gateway.close());
  await connectRedis(gateway.deps.redis, 60_000);
  const n = 10;
  const cost = await apiCost(gateway, n, 500);
  t.same(cost.statuses, Array(n).fill(200));
  t.equal(cost.sent.length, 2 * n, 'gate lookup + bucket per request, nothing else');
  t.equal(cost.sent.filter((c) => c === 'get').length, n, 'one registration GET per request');
  t.equal(cost.sent.filter((c) => c === 'evalsha').length, n, 'one bucket script per request');
  t.equal(cost.writes.length, n, 'one write to Redis per request');
  t.same(
    cost.writes.filter((w) => w.length !== 2 || w.filter(cost.lookup).length !== 1 || w.filter(cost.bucket).length !== 1),
    [],
    'the lookup and the bucket travel together: each write holds one GET and one bucket script',
  );
});

t.test('a store outage is a 503 problem, never unlimited', async (t) => {
  const cert = pki.issueClient({ commonName: 'rate outage' });
  await registerFor(stack, cert, 'api');
  await stack.redis.stop();
  const res = await stack.request(cert, '/api/v1/x');
  t.equal(res.status, 503);
  t.equal(res.headers['retry-after'], '5');
  t.equal(problemOf(res).reason, 'store-unavailable');
  await stack.redis.start();
});
