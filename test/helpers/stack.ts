// A whole gateway for one test file: real redis-server, real TLS listener with the test PKI, a
// recording upstream stub, plus helpers to register certificates, create users and log in.
import { Agent } from 'node:https';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { createGateway, type Gateway } from '../../src/gateway/create.js';
import { keys } from '../../src/store/keys.js';
import { encodeRegistration } from '../../src/registry/registration.js';
import type { Issued } from '../../src/tls/pki.js';
import { testPki, type TestPki, type DevClientName } from './pki.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { storeFor, type Topology } from './topology.js';
import type { Store } from '../../src/store/store.js';
import { startUpstreamStub, type UpstreamStub } from './upstream-stub.js';
import { tlsRequest, type TlsResponse } from './tls-client.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef-0123456789';
export const OPERATOR = 'DEMO';

export interface Stack {
  pki: TestPki;
  redis: RedisServer;
  /** A store client for assertions and seeding, on any topology. */
  store: Store;
  upstream: UpstreamStub;
  gateway: Gateway;
  config: Config;
  /** Log lines the gateway wrote (parsed JSON). */
  logs: Array<Record<string, unknown>>;
  /** Raw log text, for "never logged" assertions. */
  rawLogs(): string;
  /** One request on a new connection, presenting the named (or given) client certificate. */
  request(client: DevClientName | Issued | undefined, path?: string, o?: RequestExtras): Promise<TlsResponse>;
  register(client: DevClientName | Issued, operatorId?: string): Promise<void>;
  /** Create a user and take them through the forced password change; returns the final password. */
  createUser(userId: string, o?: { operatorId?: string; roles?: string[]; name?: string; password?: string }): Promise<string>;
  /** Log in and return the Cookie header value carrying the session. */
  login(client: DevClientName | Issued, userId: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export interface RequestExtras {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: Agent;
  cookie?: string;
}

export interface StackOptions {
  env?: Record<string, string>;
  /** Client certificates registered for OPERATOR at start (default demo and demo-ec). */
  register?: DevClientName[];
  logger?: Logger;
  /** Proxy to this upstream (e.g. a real portal) instead of the recording stub. */
  upstreamUrl?: string;
  /** Run on this topology (Sentinel, Cluster…) instead of a private redis-server; `redis` then only carries its url. */
  topology?: Topology;
  /** The gateway's clock: tests move it (see testClock) instead of sleeping. */
  clock?: () => number;
}

/** `stack.redis` on a topology the stack does not own: use `stack.store` (and the topology) instead. */
function topologyServer(top: Topology): RedisServer {
  const refuse = () => {
    throw new Error('this stack runs on a topology: use stack.store, or the topology to stop nodes');
  };
  return { url: top.url, port: 0, stop: async () => refuse(), start: async () => refuse(), client: refuse };
}

/** A clock a test moves by hand: starts at the real time, `advance(ms)` jumps ahead. */
export function testClock(start = Date.now()): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms), set: (ms) => void (t = ms) };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const pki = testPki();
  const redis = options.topology ? topologyServer(options.topology) : await startRedis();
  const upstream = await startUpstreamStub();
  const config = loadConfig({
    REDIS_URL: redis.url,
    CERTGATE_LISTEN: '127.0.0.1:0',
    CERTGATE_OPS_LISTEN: '127.0.0.1:0',
    CERTGATE_TLS_CERT: pki.file('server.crt'),
    CERTGATE_TLS_KEY: pki.file('server.key'),
    CERTGATE_CLIENT_CA: pki.file('ca.crt'),
    CERTGATE_UPSTREAM: options.upstreamUrl ?? upstream.url,
    CERTGATE_SECRET: TEST_SECRET,
    CERTGATE_SHUTDOWN_GRACE: '2s',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const logs: Array<Record<string, unknown>> = [];
  let raw = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = options.logger ?? createLogger({ level: 'info' }, sink);
  const gateway = await createGateway(config, { logger, ...(options.clock ? { clock: options.clock } : {}) });
  await gateway.listen();
  // On a private server, a plain client that redis.stop() closes; on a topology, certgate's own client.
  const store: Store = options.topology ? await storeFor(options.topology) : redis.client();
  let adminClient: Store = store;
  // redis.stop() closes its clients: take a new one after a restart.
  const admin = (): Store => (adminClient.status === 'end' ? (adminClient = redis.client()) : adminClient);
  await admin().hset(keys.operators, OPERATOR, JSON.stringify({ name: 'Demo operator', createdAt: Date.now() }));

  const certOf = (c: DevClientName | Issued): Issued => (typeof c === 'string' ? pki.clients[c] : c);
  const stack: Stack = {
    pki,
    redis,
    store,
    upstream,
    gateway,
    config,
    logs,
    rawLogs: () => raw,
    request: (client, path = '/', o = {}) =>
      tlsRequest({
        port: gateway.port,
        caPem: pki.ca.certPem,
        client: client ? certOf(client) : undefined,
        path,
        ...(o.method ? { method: o.method } : {}),
        headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...o.headers },
        ...(o.body !== undefined ? { body: o.body } : {}),
        ...(o.agent ? { agent: o.agent } : {}),
      }),
    async register(client, operatorId = OPERATOR) {
      const cert = certOf(client);
      const facts = (await import('../../src/tls/certificate.js')).readCertificate(cert.der);
      await admin().set(
        keys.registration(facts.issuerId, facts.serial),
        encodeRegistration({ issuerId: facts.issuerId, serial: facts.serial, operatorId, notAfter: facts.notAfter.getTime(), addedAt: Date.now() }),
      );
    },
    async createUser(userId, o = {}) {
      const created = await gateway.deps.users.create({
        userId,
        operatorId: o.operatorId ?? OPERATOR,
        name: o.name ?? `User ${userId}`,
        roles: (o.roles ?? ['operator-staff']) as never,
      });
      const password = o.password ?? 'Portal#2026ok';
      const cookie = await loginCookie(stack, 'demo', userId, created.temporaryPassword, 303);
      const form = await formOf(stack, 'demo', '/auth/password', cookie);
      const done = await stack.request('demo', '/auth/password', {
        method: 'POST',
        cookie: form.cookie,
        body: new URLSearchParams({ _csrf: form.csrf, currentPassword: created.temporaryPassword, newPassword: password, confirmPassword: password }).toString(),
      });
      if (done.status !== 200 || done.page !== 'password-changed') throw new Error(`password change failed: ${done.status} ${done.page} ${done.error}`);
      return password;
    },
    login: (client, userId, password) => loginCookie(stack, client, userId, password, 303),
    async close() {
      await gateway.close();
      await upstream.close();
      if (options.topology) store.disconnect();
      else await redis.stop();
    },
  };
  for (const name of options.register ?? ['demo', 'demo-ec']) await stack.register(name);
  return stack;
}

/** Cookie pairs from Set-Cookie headers, merged into an existing Cookie header value. */
export function mergeCookies(existing: string | undefined, setCookie: string | string[] | undefined): string {
  const jar = new Map<string, string>();
  for (const pair of (existing ?? '').split(';')) {
    const [k, ...v] = pair.trim().split('=');
    if (k) jar.set(k, v.join('='));
  }
  for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const [pair] = line.split(';');
    const [k, ...v] = (pair ?? '').trim().split('=');
    if (!k) continue;
    const value = v.join('=');
    if (value === '' || /Max-Age=0/i.test(line)) jar.delete(k);
    else jar.set(k, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

export const csrfOf = (html: string): string => /name="_csrf"[^>]*value="([^"]+)"/.exec(html)?.[1] ?? /value="([^"]+)"[^>]*name="_csrf"/.exec(html)?.[1] ?? '';

/** GET a form page; returns its CSRF token and the cookies to post it with. */
export async function formOf(stack: Stack, client: DevClientName | Issued, path: string, cookie?: string): Promise<{ csrf: string; cookie: string; res: TlsResponse }> {
  const res = await stack.request(client, path, cookie ? { cookie } : {});
  return { csrf: csrfOf(res.body), cookie: mergeCookies(cookie, res.headers['set-cookie']), res };
}

async function loginCookie(stack: Stack, client: DevClientName | Issued, userId: string, password: string, expect: number): Promise<string> {
  const form = await formOf(stack, client, '/auth/login');
  const res = await stack.request(client, '/auth/login', {
    method: 'POST',
    cookie: form.cookie,
    body: new URLSearchParams({ _csrf: form.csrf, userId, password }).toString(),
  });
  if (res.status !== expect) throw new Error(`login of ${userId} answered ${res.status} ${res.page ?? ''} ${res.error ?? ''}`);
  return mergeCookies(form.cookie, res.headers['set-cookie']);
}
