// Brings up everything the bench measures, in order, checking each piece answers correctly before any
// number is taken: PKI, Redis, upstream stand-in, gateway (+ CLI data + a real login), auth stand-in
// and nginx.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../src/store/store.js';
import { buildDevPki, writeDevPki } from '../src/tls/dev-pki.js';
import { issueClientCert } from '../src/tls/pki.js';
import { writeFileSync } from 'node:fs';
import { readCertificate } from '../src/tls/certificate.js';
import { createRedis } from '../src/store/redis.js';
import { startRedisProcess, freePort, type RedisProcess } from '../scripts/redis-process.js';
import { spawnTracked, type CpuPlan, type Tracked } from './procs.js';
import { waitForTcp } from './wait.js';
import { cli, gatewayEnv, loginWithPasswordChange, sessionOnly, startGateway, type GatewayEnv } from './gateway.js';
import { findNginx, startNginx, type NginxInfo } from './nginx.js';
import { httpsCall, pageOf, type ClientTls } from './https-client.js';
import { BENCH_OPERATOR, BENCH_PASSWORD, BENCH_USER, UPSTREAM_MARKER } from './shared.js';

export interface BenchStack {
  dir: string;
  root: string;
  plan: CpuPlan;
  workers: number;
  tls: ClientTls;
  /** The `api` certificate of the API-route row (ECDSA like the browser one, so only the route differs). */
  apiTls: ClientTls;
  issuerId: string;
  serial: string;
  redis: RedisProcess;
  admin: Store;
  upstreamPort: number;
  gw: GatewayEnv;
  gateway: Tracked;
  /** Cookie header carrying the bench user's live session. */
  cookie: string;
  nginx: NginxInfo | undefined;
  nginxProxyPort: number | undefined;
  nginxAuthPort: number | undefined;
  /** The bare node:https server with the gateway's certificate (handshake floor). */
  barePort: number;
  notes: string[];
}

/** Everything started so far, for the cleanup of a setup that failed half way. */
export const partial: { redis?: RedisProcess; admin?: Store } = {};

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

function startStandin(name: string, script: string, env: NodeJS.ProcessEnv, port: number, plan: CpuPlan): Promise<Tracked> {
  const t = spawnTracked(name, process.execPath, [here(script)], { env: { ...process.env, ...env }, ...(plan.pinned ? { cpus: plan.serverCpus } : {}) });
  return waitForTcp(port, 15_000, t).then(() => t);
}

async function expectProxied(what: string, port: number, tls: ClientTls, cookie: string | undefined, path = '/'): Promise<void> {
  const r = await httpsCall({ port, tls, path, ...(cookie ? { cookie } : {}) });
  if (r.status !== 200 || pageOf(r.body) !== UPSTREAM_MARKER) {
    throw new Error(`${what}: an authenticated GET / answered ${r.status} (${pageOf(r.body) ?? r.body.slice(0, 200)}) instead of the upstream page`);
  }
}

export async function setUp(dir: string, root: string, plan: CpuPlan, workers: number): Promise<BenchStack> {
  const notes: string[] = [
    'TLS settings: the gateway runs as its container image does, with bin/certgate-openssl.cnf (one TLS 1.3 ticket per full handshake) and ' +
      'ECDHE + AEAD suites in its own order; bare node:https and nginx keep their defaults (two tickets), so part of the handshake gap is that choice.',
  ];
  const cpus = plan.pinned ? plan.serverCpus : undefined;
  const pkiDir = join(dir, 'pki');
  const pki = buildDevPki({ shareLeafKeys: true });
  writeDevPki(pkiDir, pki);
  const client = pki.clients['demo-ec'];
  const tls: ClientTls = { certPem: client.certPem, keyPem: client.keyPem, caPem: pki.ca.certPem };
  const facts = readCertificate(client.der);
  const apiClient = issueClientCert(pki.ca, { commonName: 'bench API system', keyType: 'ec' });
  writeFileSync(join(pkiDir, 'bench-api.crt'), apiClient.certPem);
  const apiTls: ClientTls = { certPem: apiClient.certPem, keyPem: apiClient.keyPem, caPem: pki.ca.certPem };

  const redis = await startRedisProcess({ dir: join(dir, 'redis') });
  partial.redis = redis;
  const admin = createRedis(redis.url, { commandTimeoutMs: 60_000, connectionName: 'certgate-bench' });
  partial.admin = admin;
  await admin.connect();

  const upstreamPort = await freePort();
  await startStandin('upstream stand-in', './upstream.js', { BENCH_UPSTREAM_PORT: String(upstreamPort), BENCH_WORKERS: String(workers) }, upstreamPort, plan);

  const gw: GatewayEnv = {
    root,
    redisUrl: redis.url,
    port: await freePort(),
    opsPort: await freePort(),
    certFile: join(pkiDir, 'server-ec.crt'),
    keyFile: join(pkiDir, 'server-ec.key'),
    caFile: join(pkiDir, 'ca.crt'),
    upstream: `http://127.0.0.1:${upstreamPort}`,
    secret: randomBytes(48).toString('base64'),
    workers,
  };
  const gateway = await startGateway(gw, cpus);

  await cli(gw, ['operator', 'add', BENCH_OPERATOR, '--name', 'Bench operator']);
  await cli(gw, ['serial', 'add', '--cert', join(pkiDir, 'demo-ec.crt'), '--operator', BENCH_OPERATOR, '--label', 'bench load generator']);
  await cli(gw, ['serial', 'add', '--cert', join(pkiDir, 'bench-api.crt'), '--operator', BENCH_OPERATOR, '--usage', 'api', '--label', 'bench API system']);
  const added = JSON.parse((await cli(gw, ['user', 'add', BENCH_USER, '--operator', BENCH_OPERATOR, '--name', 'Bench user', '--json'])).stdout) as {
    temporaryPassword?: string;
  };
  if (!added.temporaryPassword) throw new Error('`certgate user add --json` printed no temporaryPassword');
  const cookie = sessionOnly(await loginWithPasswordChange(gw.port, tls, BENCH_USER, added.temporaryPassword, BENCH_PASSWORD));
  await expectProxied('gateway', gw.port, tls, cookie);
  await expectProxied('gateway API route', gw.port, apiTls, undefined, '/api/bench');

  const barePort = await freePort();
  await startStandin(
    'bare node:https',
    './bare-https.js',
    { BENCH_BARE_PORT: String(barePort), BENCH_BARE_CERT: gw.certFile, BENCH_BARE_KEY: gw.keyFile, BENCH_BARE_CA: gw.caFile, BENCH_WORKERS: String(workers) },
    barePort,
    plan,
  );
  await expectProxied('bare node:https', barePort, tls, undefined);

  const nginx = findNginx();
  let nginxProxyPort: number | undefined;
  let nginxAuthPort: number | undefined;
  if (!nginx) {
    notes.push('nginx not found on PATH (nor in /usr/sbin, /usr/local/sbin): the nginx rows are skipped.');
  } else {
    nginxProxyPort = await freePort();
    let authPort: number | undefined;
    if (nginx.authRequest) {
      authPort = await freePort();
      nginxAuthPort = await freePort();
      await startStandin(
        'auth stand-in',
        './auth-standin.js',
        { ...gatewayEnv(gw), BENCH_AUTH_PORT: String(authPort), BENCH_WORKERS: String(workers) },
        authPort,
        plan,
      );
    } else {
      notes.push(`nginx ${nginx.version} at ${nginx.path} lacks http_auth_request_module: the nginx + auth_request rows are skipped.`);
    }
    await startNginx(
      nginx,
      {
        dir: join(dir, 'nginx'),
        workers,
        upstreamPort,
        authPort,
        proxyPort: nginxProxyPort,
        authRequestPort: nginxAuthPort ?? 0,
        certFile: gw.certFile,
        keyFile: gw.keyFile,
        caFile: gw.caFile,
      },
      cpus,
    );
    await expectProxied('nginx proxy_pass', nginxProxyPort, tls, undefined);
    if (nginxAuthPort !== undefined) {
      await expectProxied('nginx + auth_request', nginxAuthPort, tls, cookie);
      const anonymous = await httpsCall({ port: nginxAuthPort, tls, path: '/' });
      if (anonymous.status !== 401) throw new Error(`nginx + auth_request let a request without a session through (${anonymous.status})`);
    }
  }
  return {
    dir,
    root,
    plan,
    workers,
    tls,
    apiTls,
    issuerId: facts.issuerId,
    serial: facts.serial,
    redis,
    admin,
    upstreamPort,
    gw,
    gateway,
    cookie,
    nginx,
    nginxProxyPort,
    nginxAuthPort,
    barePort,
    notes,
  };
}
