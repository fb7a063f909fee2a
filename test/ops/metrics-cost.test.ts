// /metrics with many users: scrapes share one sample per interval, so their store cost does not grow
// with users or with concurrent scrapes; CERTGATE_METRICS_TOKEN guards the endpoint.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { keys } from '../../src/store/keys.js';
import { perProcess, watchCommands } from '../helpers/redis-watch.js';

const TOKEN = 'metrics-token-0123456789';
let stack: Stack;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_METRICS_TOKEN: TOKEN } });
});
t.teardown(() => stack.close());

const scrape = (token: string | null = TOKEN) =>
  fetch(`http://127.0.0.1:${stack.gateway.opsPort}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

t.test('scrapes cost no store work per user: 20 concurrent scrapes of 2,000 users send nothing', async (t) => {
  const admin = stack.redis.client();
  const now = Date.now();
  const p = admin.pipeline();
  for (let i = 0; i < 2000; i++) {
    const id = `bulk${i}`;
    p.hset(keys.session(id), { sid: `s${i}`, cert: 'x:01', operator: 'DEMO', roles: '', name: '', createdAt: String(now), lastSeen: String(now), mustChange: '0' });
  }
  await p.exec();
  await new Promise((r) => setTimeout(r, 0));
  const first = await (await scrape()).text();
  t.match(first, /certgate_active_sessions 2000\b/, 'sampled: 2,000 live sessions');

  // The gateway's own timers (maintenance refresh, tracking heartbeats) run whatever is scraped: not scrape work.
  const watch = await watchCommands(admin, (c) => !perProcess(c));
  const texts = await Promise.all(Array.from({ length: 20 }, async () => (await scrape()).text()));
  await watch.stop();
  const sent = watch.sent.map((c) => c[0]);
  t.equal(sent.length, 0, `store commands during 20 scrapes: ${sent.length}`);
  for (const text of texts) t.match(text, /certgate_certificates\{state="active"\} 2/);
});

t.test('a bearer token is required when CERTGATE_METRICS_TOKEN is set', async (t) => {
  const none = await scrape(null);
  t.equal(none.status, 401);
  t.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
  t.equal((await scrape('wrong-token-wrong-token')).status, 401);
  t.equal((await scrape()).status, 200);
  t.equal((await fetch(`http://127.0.0.1:${stack.gateway.opsPort}/healthz`)).status, 200, 'health needs no token');
});

t.test('the Docker image keeps the ops listener on loopback unless configured', async (t) => {
  const { readFileSync } = await import('node:fs');
  const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
  t.match(dockerfile, /CERTGATE_OPS_LISTEN=127\.0\.0\.1:9090/);
  t.notMatch(dockerfile, /CERTGATE_OPS_LISTEN=0\.0\.0\.0/);
});
