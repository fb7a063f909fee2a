// The gateway under test (`certgate serve`, compiled, as a child) and the CLI calls that set up its
// data, plus the browser-like login flow that yields the session cookie the load generator sends.
import { join } from 'node:path';
import { spawnTracked, runToEnd, type Tracked } from './procs.js';
import { waitForHttp200 } from './wait.js';
import { csrfOf, httpsCall, mergeCookies, pageOf, type ClientTls } from './https-client.js';

export interface GatewayEnv {
  root: string;
  redisUrl: string;
  port: number;
  opsPort: number;
  certFile: string;
  keyFile: string;
  caFile: string;
  upstream: string;
  secret: string;
  workers: number;
}

export function gatewayEnv(g: GatewayEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    REDIS_URL: g.redisUrl,
    CERTGATE_LISTEN: `127.0.0.1:${g.port}`,
    CERTGATE_OPS_LISTEN: `127.0.0.1:${g.opsPort}`,
    CERTGATE_TLS_CERT: g.certFile,
    CERTGATE_TLS_KEY: g.keyFile,
    CERTGATE_CLIENT_CA: g.caFile,
    CERTGATE_UPSTREAM: g.upstream,
    CERTGATE_SECRET: g.secret,
    CERTGATE_WORKERS: String(g.workers),
    CERTGATE_SINGLE_LOGIN: 'replace',
    CERTGATE_SESSION_IDLE_TIMEOUT: '12h',
    CERTGATE_SESSION_MAX_AGE: '12h',
    // The login storm comes from one certificate: measure argon2 isolation, not the per-certificate limit.
    CERTGATE_CERT_FAILURE_LIMIT: '100000',
    // The API row measures the route with its rate bucket in the round trip, never limited.
    CERTGATE_API_PREFIX: '/api/',
    CERTGATE_API_RATE: '1000000/s',
    LOG_LEVEL: 'warn',
    // The OpenSSL settings the container image gives the gateway (one TLS 1.3 ticket per full handshake).
    OPENSSL_CONF: join(g.root, 'bin', 'certgate-openssl.cnf'),
  };
}

export async function startGateway(g: GatewayEnv, cpus: string | undefined): Promise<Tracked> {
  // BENCH_PROFILE=<dir>: the gateway writes a V8 CPU profile there when the bench stops it.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const t = spawnTracked('gateway', process.execPath, [...profile, join(g.root, 'bin', 'certgate.js'), 'serve'], { env: gatewayEnv(g), ...(cpus ? { cpus } : {}) });
  await waitForHttp200(`http://127.0.0.1:${g.opsPort}/readyz`, 30_000, t);
  return t;
}

/** One CLI call; throws with its stderr unless it exits 0. */
export async function cli(g: GatewayEnv, args: string[], o: { cpus?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; ms: number }> {
  const r = await runToEnd(`certgate ${args[0]} ${args[1] ?? ''}`, process.execPath, [join(g.root, 'bin', 'certgate.js'), ...args], {
    env: gatewayEnv(g),
    timeoutMs: o.timeoutMs ?? 60_000,
    ...(o.cpus ? { cpus: o.cpus } : {}),
  });
  if (r.code !== 0) throw new Error(`certgate ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return { stdout: r.stdout, ms: r.ms };
}

async function login(port: number, tls: ClientTls, userId: string, password: string): Promise<{ cookie: string; location: string }> {
  const form = await httpsCall({ port, tls, path: '/auth/login' });
  if (form.status !== 200) throw new Error(`GET /auth/login answered ${form.status} (${pageOf(form.body) ?? ''})`);
  let cookie = mergeCookies(undefined, form.headers['set-cookie']);
  const res = await httpsCall({ port, tls, path: '/auth/login', cookie, form: { _csrf: csrfOf(form.body), userId, password } });
  if (res.status !== 303) throw new Error(`login of ${userId} answered ${res.status} (${pageOf(res.body) ?? ''})`);
  cookie = mergeCookies(cookie, res.headers['set-cookie']);
  return { cookie, location: String(res.headers.location ?? '') };
}

/**
 * First login with the temporary password, the forced change, and a fresh login with the new
 * password; returns the Cookie header of the live session.
 */
export async function loginWithPasswordChange(port: number, tls: ClientTls, userId: string, temporary: string, password: string): Promise<string> {
  const first = await login(port, tls, userId, temporary);
  if (!first.location.startsWith('/auth/password')) throw new Error(`first login of ${userId} went to ${first.location}, not /auth/password`);
  const page = await httpsCall({ port, tls, path: '/auth/password', cookie: first.cookie });
  if (page.status !== 200) throw new Error(`GET /auth/password answered ${page.status} (${pageOf(page.body) ?? ''})`);
  const cookie = mergeCookies(first.cookie, page.headers['set-cookie']);
  const done = await httpsCall({
    port,
    tls,
    path: '/auth/password',
    cookie,
    form: { _csrf: csrfOf(page.body), currentPassword: temporary, newPassword: password, confirmPassword: password },
  });
  if (done.status !== 200 || pageOf(done.body) !== 'password-changed') {
    throw new Error(`password change answered ${done.status} (${pageOf(done.body) ?? ''} ${/data-error="([^"]*)"/.exec(done.body)?.[1] ?? ''})`);
  }
  return (await login(port, tls, userId, password)).cookie;
}

/** Only the session cookie (the CSRF cookie plays no part in proxied requests). */
export const sessionOnly = (cookie: string): string =>
  cookie
    .split('; ')
    .filter((pair) => pair.startsWith('__Host-certgate-session='))
    .join('; ');
