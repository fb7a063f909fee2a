// The measurements, each driven from a separate load-generator process pinned to the load CPUs.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { UserStore } from '../src/users/user-store.js';
import { runToEnd } from './procs.js';
import { busyBetween, cpuSnapshot, foreignShare, machineJiffies, ownJiffies } from './load-check.js';
import { cli } from './gateway.js';
import { fillRegistry, registrationCount, usedMemory, writeImportCsv } from './registry-data.js';
import { BENCH_OPERATOR } from './shared.js';
import type { BenchStack } from './setup.js';
import type { Settings } from './settings.js';
import type { HttpJob, HttpResult, Job, LookupJob, LookupResult } from './loadgen.js';
import type { HandshakeResult } from './handshake.js';

const LOADGEN = fileURLToPath(new URL('./loadgen.js', import.meta.url));

/** CPU use while a job ran: servers' CPUs and the load generator's, 0..1 (warm-up included). */
export interface CpuUse {
  cpu?: {
    servers: number | undefined;
    loadGenerator: number | undefined;
    /** Share of all CPU time taken by processes that are not the bench's (a shared machine). */
    foreign: number | undefined;
  };
}

export async function runJob<T>(stack: BenchStack, job: Job, seconds: number): Promise<T & CpuUse> {
  const before = cpuSnapshot();
  const mark = { own: ownJiffies(), machine: machineJiffies() };
  const r = await runToEnd(`load generator (${job.mode})`, process.execPath, [LOADGEN], {
    input: JSON.stringify(job),
    timeoutMs: (seconds + 60) * 1000,
    ...(stack.plan.pinned ? { cpus: stack.plan.loadCpus } : {}),
  });
  if (r.code !== 0) throw new Error(`load generator failed (${r.code}): ${r.stderr.trim().slice(-2000)}`);
  const after = cpuSnapshot();
  const foreign = foreignShare(mark, { own: ownJiffies(), machine: machineJiffies() });
  const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as T & CpuUse;
  result.cpu = { servers: busyBetween(before, after, stack.plan.serverCpus), loadGenerator: busyBetween(before, after, stack.plan.loadCpus), foreign };
  return result;
}

export interface Row<T> {
  name: string;
  result?: T & CpuUse;
  skipped?: string;
}

const https = (port: number) => `https://127.0.0.1:${port}/`;
export const httpsUrl = https;

export function httpJob(stack: BenchStack, s: Settings, url: string, extra: Partial<HttpJob> = {}): HttpJob {
  return {
    mode: 'http',
    url,
    headers: { cookie: stack.cookie },
    ...(url.startsWith('https:') ? { tls: stack.tls } : {}),
    connections: s.connections,
    warmupS: s.warmupS,
    durationS: s.durationS,
    ...extra,
  };
}

const nginxSkip = (stack: BenchStack, auth: boolean): string | undefined =>
  !stack.nginx ? 'nginx not installed' : auth && stack.nginxAuthPort === undefined ? 'nginx lacks auth_request' : undefined;

/** Keep-alive row of the certificate-only API route (an `api` certificate, no cookie). */
export const API_ROW = 'certgate gateway, API route';

export async function keepAlive(stack: BenchStack, s: Settings): Promise<Array<Row<HttpResult>>> {
  const targets: Array<[string, string | undefined, string | undefined]> = [
    ['backend direct (HTTP)', `http://127.0.0.1:${stack.upstreamPort}/`, undefined],
    ['certgate gateway', https(stack.gw.port), undefined],
    [API_ROW, `${https(stack.gw.port)}api/bench`, undefined],
    ['nginx proxy_pass', stack.nginxProxyPort ? https(stack.nginxProxyPort) : undefined, nginxSkip(stack, false)],
    ['nginx + auth_request', stack.nginxAuthPort ? https(stack.nginxAuthPort) : undefined, nginxSkip(stack, true)],
  ];
  const rows: Array<Row<HttpResult>> = [];
  for (const [name, url, skipped] of targets) {
    if (!url) {
      rows.push({ name, skipped: skipped ?? 'not available' });
      continue;
    }
    process.stderr.write(`  keep-alive: ${name}\n`);
    const api = name === API_ROW ? { headers: {}, tls: stack.apiTls } : {};
    rows.push({ name, result: await runJob<HttpResult>(stack, httpJob(stack, s, url, api), s.warmupS + s.durationS) });
  }
  return rows;
}

export async function handshakes(stack: BenchStack, s: Settings): Promise<Array<Row<HandshakeResult>>> {
  const request = `GET / HTTP/1.1\r\nHost: localhost\r\nCookie: ${stack.cookie}\r\nConnection: close\r\n\r\n`;
  const targets: Array<[string, number | undefined, string | undefined]> = [
    ['certgate gateway', stack.gw.port, undefined],
    ['nginx proxy_pass', stack.nginxProxyPort, nginxSkip(stack, false)],
    ['nginx + auth_request', stack.nginxAuthPort, nginxSkip(stack, true)],
  ];
  const rows: Array<Row<HandshakeResult>> = [];
  for (const [name, port, skipped] of targets) {
    if (!port) {
      rows.push({ name, skipped: skipped ?? 'not available' });
      continue;
    }
    process.stderr.write(`  handshakes: ${name}\n`);
    const common = { mode: 'handshake' as const, port, certPem: stack.tls.certPem, keyPem: stack.tls.keyPem, caPem: stack.tls.caPem, request };
    await runJob<HandshakeResult>(stack, { ...common, concurrency: s.handshakeConcurrency, durationMs: s.warmupS * 1000 }, s.warmupS);
    rows.push({ name, result: await runJob<HandshakeResult>(stack, { ...common, concurrency: s.handshakeConcurrency, durationMs: s.durationS * 1000 }, s.durationS) });
  }
  return rows;
}

export interface StormReport {
  rate: number;
  quiet: HttpResult & CpuUse;
  storm: HttpResult & CpuUse;
}

export async function loginStorm(stack: BenchStack, s: Settings): Promise<StormReport> {
  const users = new UserStore(stack.admin);
  const stormUsers: Array<{ userId: string; password: string }> = [];
  for (let i = 0; i < s.stormUsers; i++) {
    const userId = `storm-${i}`;
    const created = await users.create({ userId, operatorId: BENCH_OPERATOR, name: `Storm user ${i}` });
    stormUsers.push({ userId, password: created.temporaryPassword });
  }
  const fixed = { rate: s.latencyRate, connections: s.latencyConnections };
  process.stderr.write('  login storm: quiet\n');
  const quiet = await runJob<HttpResult>(stack, httpJob(stack, s, https(stack.gw.port), fixed), s.warmupS + s.durationS);
  process.stderr.write(`  login storm: ${stormUsers.length + s.stormUnknownLoops} concurrent login loops\n`);
  const storm = await runJob<HttpResult>(
    stack,
    httpJob(stack, s, https(stack.gw.port), {
      ...fixed,
      storm: { port: stack.gw.port, tls: stack.tls, users: stormUsers, unknownLoops: s.stormUnknownLoops, shedBackoffMs: s.stormBackoffMs },
    }),
    s.warmupS + s.durationS + 30,
  );
  return { rate: s.latencyRate, quiet, storm };
}

export interface RegistryReport {
  importRows: number;
  importMs: number;
  importAdded: number;
  serials: number;
  fillMs: number;
  memoryBefore: number;
  memoryAfter: number;
  bytesPerSerial: number;
  registrySizeAfter: number;
  lookupEmpty: LookupResult;
  lookupFullSame: LookupResult;
  lookupFullRandom: LookupResult;
  gatewayEmpty: HttpResult & CpuUse;
  gatewayFull: HttpResult & CpuUse;
}

export async function registry(stack: BenchStack, s: Settings): Promise<RegistryReport> {
  const lookup = (targets: Array<[string, string]>): LookupJob => ({ mode: 'lookup', redisUrl: stack.redis.url, targets, count: s.lookups, maxMs: 20_000 });
  // One connection, closed loop: each request's own latency, without queueing behind others.
  const fixed = { connections: 1 };
  const own: Array<[string, string]> = [[stack.issuerId, stack.serial]];

  process.stderr.write(`  registry: lookups with ${await registrationCount(stack.admin)} registered serial(s)\n`);
  const lookupEmpty = await runJob<LookupResult>(stack, lookup(own), 25);
  const gatewayEmpty = await runJob<HttpResult>(stack, httpJob(stack, s, https(stack.gw.port), fixed), s.warmupS + s.durationS);

  process.stderr.write(`  registry: serial import of ${s.importRows} rows\n`);
  const csv = join(stack.dir, 'import.csv');
  await writeImportCsv(csv, s.importRows, BENCH_OPERATOR);
  const before = await registrationCount(stack.admin);
  const imported = await cli(stack.gw, ['serial', 'import', csv], { timeoutMs: 300_000, ...(stack.plan.pinned ? { cpus: stack.plan.loadCpus } : {}) });
  const importAdded = (await registrationCount(stack.admin)) - before;

  process.stderr.write(`  registry: writing ${s.serials} registrations\n`);
  const memoryBefore = await usedMemory(stack.admin);
  const fill = await fillRegistry(stack.admin, stack.issuerId, BENCH_OPERATOR, s.serials);
  const memoryAfter = await usedMemory(stack.admin);
  const registrySizeAfter = await registrationCount(stack.admin);

  process.stderr.write(`  registry: lookups with ${registrySizeAfter} registered serials\n`);
  const lookupFullSame = await runJob<LookupResult>(stack, lookup(own), 25);
  const lookupFullRandom = await runJob<LookupResult>(stack, lookup(fill.sample), 25);
  const gatewayFull = await runJob<HttpResult>(stack, httpJob(stack, s, https(stack.gw.port), fixed), s.warmupS + s.durationS);
  return {
    importRows: s.importRows,
    importMs: Math.round(imported.ms),
    importAdded,
    serials: fill.added,
    fillMs: fill.ms,
    memoryBefore,
    memoryAfter,
    bytesPerSerial: Math.round((memoryAfter - memoryBefore) / fill.added),
    registrySizeAfter,
    lookupEmpty,
    lookupFullSame,
    lookupFullRandom,
    gatewayEmpty,
    gatewayFull,
  };
}
