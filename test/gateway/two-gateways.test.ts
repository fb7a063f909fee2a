// Several gateways, one truth: gateway processes (the compiled CLI, as operators run them) on
// different ports against the same real Redis Cluster. Single login (replace and reject), the
// lockout under 100 parallel wrong passwords split over two gateways, and session kill, serial
// remove, user lock and maintenance on from the CLI take effect on every gateway.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testPki } from '../helpers/pki.js';
import { freePort } from '../helpers/redis-server.js';
import { startUpstreamStub } from '../helpers/upstream-stub.js';
import { topology } from '../helpers/topology.js';
import { cliFor } from '../helpers/cli.js';
import { csrfOf, mergeCookies, TEST_SECRET } from '../helpers/stack.js';
import { tlsRequest, type TlsResponse } from '../helpers/tls-client.js';
import { displaySerial } from '../../src/tls/serial.js';
import type { DevClientName } from '../helpers/pki.js';
import { READY_CEILING_MS } from '../helpers/cluster-process.js';

const bin = join(import.meta.dirname, '../../bin/certgate.js');
const built = existsSync(join(import.meta.dirname, '../../dist/src/cli/main.js'));

t.test('two gateway processes on one Redis Cluster', { skip: built ? false : 'needs the build (npm run build)' }, async (t) => {
  const pki = testPki();
  const top = await topology('cluster');
  const upstream = await startUpstreamStub();
  t.teardown(async () => {
    await upstream.close();
    await top.stop();
  });
  const env = { REDIS_URL: top.url, CERTGATE_CLIENT_CA: pki.file('ca.crt'), PATH: process.env.PATH, USER: 'two-gateways-test' };
  const cli = cliFor(env);

  const children: ChildProcess[] = [];
  t.teardown(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  const startGateway = async (singleLogin: 'replace' | 'reject') => {
    const port = await freePort();
    const opsPort = await freePort();
    const child = spawn(process.execPath, [bin, 'serve'], {
      env: {
        ...env,
        CERTGATE_LISTEN: `127.0.0.1:${port}`,
        CERTGATE_OPS_LISTEN: `127.0.0.1:${opsPort}`,
        CERTGATE_TLS_CERT: pki.file('server.crt'),
        CERTGATE_TLS_KEY: pki.file('server.key'),
        CERTGATE_UPSTREAM: upstream.url,
        CERTGATE_SECRET: TEST_SECRET,
        CERTGATE_SINGLE_LOGIN: singleLogin,
        // The per-certificate limit (429) is another rule: here the account's own lockout is under test.
        CERTGATE_CERT_FAILURE_LIMIT: '1000',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    let ready = 0;
    for (const until = Date.now() + READY_CEILING_MS; ready !== 200 && Date.now() < until; ) {
      ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`).then((r) => r.status, () => 0);
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    if (ready !== 200) throw new Error(`gateway not ready: ${stderr}`);
    return port;
  };

  t.equal((await cli('operator', 'add', 'DEMO', '--name', 'Demo')).code, 0);
  for (const c of ['demo', 'demo-ec'] as const) t.equal((await cli('serial', 'add', '--cert', pki.file(`${c}.crt`), '--operator', 'DEMO')).code, 0);
  const [a, b, ra, rb] = await Promise.all([startGateway('replace'), startGateway('replace'), startGateway('reject'), startGateway('reject')]);

  const request = (port: number, client: DevClientName, path: string, o: { method?: string; cookie?: string; body?: string } = {}): Promise<TlsResponse> =>
    tlsRequest({
      port,
      caPem: pki.ca.certPem,
      client: pki.clients[client],
      path,
      ...(o.method ? { method: o.method } : {}),
      ...(o.body !== undefined ? { body: o.body } : {}),
      headers: o.cookie ? { cookie: o.cookie } : {},
    });
  const form = async (port: number, client: DevClientName, path: string, cookie?: string) => {
    const res = await request(port, client, path, cookie ? { cookie } : {});
    return { csrf: csrfOf(res.body), cookie: mergeCookies(cookie, res.headers['set-cookie']) };
  };
  const postLogin = async (port: number, client: DevClientName, userId: string, password: string, f?: { csrf: string; cookie: string }) => {
    const page = f ?? (await form(port, client, '/auth/login'));
    const res = await request(port, client, '/auth/login', { method: 'POST', cookie: page.cookie, body: new URLSearchParams({ _csrf: page.csrf, userId, password }).toString() });
    return { res, cookie: mergeCookies(page.cookie, res.headers['set-cookie']) };
  };
  const PASSWORD = 'Portal#2026ok';
  const createUser = async (userId: string) => {
    const added = await cli('user', 'add', userId, '--operator', 'DEMO', '--json');
    const temporary = added.json<{ temporaryPassword: string }>().temporaryPassword;
    const first = await postLogin(a, 'demo', userId, temporary);
    const f = await form(a, 'demo', '/auth/password', first.cookie);
    const done = await request(a, 'demo', '/auth/password', {
      method: 'POST',
      cookie: f.cookie,
      body: new URLSearchParams({ _csrf: f.csrf, currentPassword: temporary, newPassword: PASSWORD, confirmPassword: PASSWORD }).toString(),
    });
    if (done.page !== 'password-changed') throw new Error(`password change for ${userId}: ${done.status} ${done.page} ${done.error}`);
  };

  await t.test('replace: the newer login on one gateway ends the older one on both', async (t) => {
    await createUser('taro');
    const onA = await postLogin(a, 'demo', 'taro', PASSWORD);
    t.equal(onA.res.status, 303);
    t.equal((await request(b, 'demo', '/x', { cookie: onA.cookie })).status, 200, 'a session from gateway A works on gateway B');
    const onB = await postLogin(b, 'demo', 'taro', PASSWORD);
    t.equal(onB.res.status, 303);
    for (const port of [a, b]) {
      t.equal((await request(port, 'demo', '/x', { cookie: onA.cookie })).page, 'multiple-login', 'the older terminal sees the multiple-login screen');
      t.equal((await request(port, 'demo', '/x', { cookie: onB.cookie })).status, 200);
    }
  });

  await t.test('reject: a login on the second gateway is refused while the first session lives', async (t) => {
    await createUser('hanako');
    // createUser left a session from gateway A: end it so the reject pair starts clean.
    t.equal((await cli('session', 'kill', 'hanako')).code, 0);
    const first = await postLogin(ra, 'demo', 'hanako', PASSWORD);
    t.equal(first.res.status, 303);
    const second = await postLogin(rb, 'demo', 'hanako', PASSWORD);
    t.equal(second.res.status, 409);
    t.equal(second.res.page, 'multiple-login');
    t.equal((await request(rb, 'demo', '/x', { cookie: first.cookie })).status, 200, 'the first session still works on both');
  });

  await t.test('100 parallel wrong passwords over both gateways lock the account exactly once', async (t) => {
    await createUser('jiro');
    const forms = await Promise.all([form(a, 'demo', '/auth/login'), form(b, 'demo', '/auth/login')]);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => postLogin(i % 2 ? b : a, 'demo', 'jiro', 'Wrong#Password1', forms[i % 2])));
    const statuses = results.map((r) => `${r.res.status} ${r.res.error ?? r.res.page}`);
    t.same([...new Set(statuses)].sort(), ['401 invalid-credentials', '403 account-locked'], 'every attempt answered as wrong or locked');
    const audit = (await cli('audit', 'list', '--json', '--limit', '1000')).json<Array<{ action: string; target: string; detail: { failures?: number } }>>();
    t.equal(audit.filter((e) => e.action === 'user.locked' && e.target === 'jiro').length, 1, 'locked exactly once');
    const user = (await cli('user', 'show', 'jiro', '--json')).json<{ locked: boolean; failures: number }>();
    t.match(user, { locked: true, failures: 5 }, 'the counter is exact');
    t.equal(statuses.filter((s) => s.startsWith('401')).length, 4, 'four wrong answers, then the lock');
  });

  await t.test('session kill, user lock, maintenance on and serial remove reach both gateways at once', async (t) => {
    const login = await postLogin(a, 'demo', 'taro', PASSWORD);
    for (const port of [a, b]) t.equal((await request(port, 'demo', '/x', { cookie: login.cookie })).status, 200);
    t.equal((await cli('session', 'kill', 'taro')).code, 0);
    for (const port of [a, b]) t.equal((await request(port, 'demo', '/x', { cookie: login.cookie })).page, 'session-timeout', 'killed on both');
    const again = await postLogin(b, 'demo', 'taro', PASSWORD);
    t.equal((await request(a, 'demo', '/x', { cookie: again.cookie })).status, 200);
    t.equal((await cli('user', 'lock', 'taro')).code, 0);
    for (const port of [a, b]) t.equal((await request(port, 'demo', '/x', { cookie: again.cookie })).page, 'session-timeout', 'a lock ends the session on both');
    t.equal((await postLogin(a, 'demo', 'taro', PASSWORD)).res.error, 'account-locked');

    t.equal((await cli('maintenance', 'on', '--message', 'until 18:00')).code, 0);
    // Each gateway's copy is dropped by the invalidation message; its bound (1 s) is the backstop.
    const pages = async () => Promise.all([a, b].map(async (port) => (await request(port, 'demo', '/auth/login')).page));
    let seen = await pages();
    for (let i = 0; i < 40 && seen.some((p) => p !== 'maintenance'); i++) seen = await pages();
    t.same(seen, ['maintenance', 'maintenance'], 'maintenance on both gateways');
    t.equal((await cli('maintenance', 'off')).code, 0);
    seen = await pages();
    for (let i = 0; i < 40 && seen.some((p) => p !== 'login'); i++) seen = await pages();
    t.same(seen, ['login', 'login'], 'and off again on both');

    const serial = displaySerial(pki.clients['demo-ec'].serial);
    for (const port of [a, b]) t.equal((await request(port, 'demo-ec', '/auth/login')).status, 200);
    t.equal((await cli('serial', 'remove', serial)).code, 0);
    for (const port of [a, b]) t.equal((await request(port, 'demo-ec', '/auth/login')).reason, 'cert-unregistered', 'unregistered on both at once');
  });
});
