// The measurements, each driven from a separate load-generator process pinned to the load CPUs.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { UserStore } from '../src/users/user-store.js';
import { runToEnd } from './procs.js';
import { busyBetween, cpuSnapshot, foreignShare, machineJiffies, ownJiffies } from './load-check.js';
import { cpuBetween, serverCpu } from './server-cpu.js';
import { aggregateHandshakes, aggregateHttp } from './rounds.js';
import { cli } from './gateway.js';
import { fillRegistry, registrationCount, usedMemory, writeImportCsv } from './registry-data.js';
import { BENCH_OPERATOR, MARK_END, MARK_START } from './shared.js';
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
  /** CPU ms each server process group used during the job (from /proc/<pid>/stat). */
  serverMs?: Record<string, number>;
  /** Server CPU ms (all groups) per answered request or completed connection; set when the job had no warm-up inside. */
  cpuMsPerOp?: number;
}

/** Requests (or connections) a job's servers answered: the divisor of CPU ms per request. */
function answered(job: Job, result: unknown): number | undefined {
  if (job.mode === 'http') {
    const r = result as HttpResult;
    return job.warmupS > 0 && !job.leadInS ? undefined : r.ok + r.non2xx;
  }
  if (job.mode === 'handshake') {
    const r = result as HandshakeResult;
    return r.completed + r.non200;
  }
  return undefined;
}

/** Everything read from /proc at one instant: CPU busy per CPU, the bench's own and the machine's jiffies, server CPU. */
function readings() {
  return { cpus: cpuSnapshot(), mark: { own: ownJiffies(), machine: machineJiffies() }, servers: serverCpu() };
}

export async function runJob<T>(stack: BenchStack, job: Job, seconds: number): Promise<T & CpuUse> {
  let start = readings();
  let end: ReturnType<typeof readings> | undefined;
  const r = await runToEnd(`load generator (${job.mode})`, process.execPath, [LOADGEN], {
    input: JSON.stringify(job),
    // A lead-in job marks its measured window: every CPU figure is read at the marks.
    onLine: (line) => {
      if (line === MARK_START) start = readings();
      else if (line === MARK_END) end = readings();
    },
    timeoutMs: (seconds + 60) * 1000,
    ...(stack.plan.pinned ? { cpus: stack.plan.loadCpus } : {}),
  });
  if (r.code !== 0) throw new Error(`load generator failed (${r.code}): ${r.stderr.trim().slice(-2000)}`);
  end ??= readings();
  const serverMs = cpuBetween(start.servers, end.servers);
  const foreign = foreignShare(start.mark, end.mark);
  const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as T & CpuUse;
  result.cpu = { servers: busyBetween(start.cpus, end.cpus, stack.plan.serverCpus), loadGenerator: busyBetween(start.cpus, end.cpus, stack.plan.loadCpus), foreign };
  if (serverMs) {
    result.serverMs = serverMs;
    const ops = answered(job, result);
    const total = Object.values(serverMs).reduce((a, b) => a + b, 0);
    if (ops !== undefined && ops > 0) result.cpuMsPerOp = total / ops;
  }
  return result;
}

export interface Row<T> {
  name: string;
  /** The rounds' median (see rounds.ts). */
  result?: T & CpuUse;
  /** One measurement per round, in round order. */
  rounds?: Array<T & CpuUse>;
  skipped?: string;
}

interface Target<T> {
  name: string;
  skipped?: string;
  warm?: () => Promise<unknown>;
  run?: () => Promise<T & CpuUse>;
}

/**
 * Rows interleaved over `rounds` rounds (every target once per round, order reversed every other
 * round), so a burst of load from elsewhere hits every target instead of one. Each target warms up
 * once, before its first measurement; the JIT keeps it warm for the later rounds.
 */
async function interleaved<T>(
  phase: string,
  targets: Array<Target<T>>,
  rounds: number,
  aggregate: (rounds: Array<T & CpuUse>) => T & CpuUse,
): Promise<Array<Row<T>>> {
  const rows: Array<Row<T>> = targets.map((t) => (t.run ? { name: t.name, rounds: [] } : { name: t.name, skipped: t.skipped ?? 'not available' }));
  for (let round = 0; round < rounds; round++) {
    const order = targets.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const t = targets[i]!;
      if (!t.run) continue;
      if (round === 0 && t.warm) {
        process.stderr.write(`  ${phase}: ${t.name} (warm-up)\n`);
        await t.warm();
      }
      process.stderr.write(`  ${phase}: ${t.name} (round ${round + 1}/${rounds})\n`);
      rows[i]!.rounds!.push(await t.run());
    }
  }
  for (const row of rows) if (row.rounds && row.rounds.length > 0) row.result = aggregate(row.rounds);
  return rows;
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
  const urls: Array<[string, string | undefined, string | undefined]> = [
    ['backend direct (HTTP)', `http://127.0.0.1:${stack.upstreamPort}/`, undefined],
    ['certgate gateway', https(stack.gw.port), undefined],
    [API_ROW, `${https(stack.gw.port)}api/bench`, undefined],
    ['nginx proxy_pass', stack.nginxProxyPort ? https(stack.nginxProxyPort) : undefined, nginxSkip(stack, false)],
    ['nginx + auth_request', stack.nginxAuthPort ? https(stack.nginxAuthPort) : undefined, nginxSkip(stack, true)],
  ];
  const targets = urls.map(([name, url, skipped]): Target<HttpResult> => {
    if (!url) return { name, ...(skipped ? { skipped } : {}) };
    // The API row presents an `api` certificate and no cookie.
    const api: Partial<HttpJob> = name === API_ROW ? { headers: {}, tls: stack.apiTls } : {};
    return {
      name,
      // The warm-up is its own job, so the measured job's CPU per request holds no warm-up time.
      warm: s.warmupS > 0 ? () => runJob<HttpResult>(stack, httpJob(stack, s, url, { ...api, durationS: s.warmupS, warmupS: 0 }), s.warmupS) : undefined,
      // One second on the same connections before the window: their handshakes stay out of CPU per request.
      run: () => runJob<HttpResult>(stack, httpJob(stack, s, url, { ...api, warmupS: 0, leadInS: 1 }), s.durationS + 1),
    };
  });
  return interleaved('keep-alive', targets, s.rounds, aggregateHttp);
}

export const HANDSHAKE_ROWS = {
  gateway: 'certgate gateway',
  bare: 'bare node:https (same certificate)',
  nginx: 'nginx proxy_pass',
  nginxAuth: 'nginx + auth_request',
  gatewayTicket: 'certgate gateway, resumed (TLS 1.3 ticket)',
  gatewaySessionId: 'certgate gateway, resumed (TLS 1.2 session id)',
  bareTicket: 'bare node:https, resumed (TLS 1.3 ticket)',
  nginxTicket: 'nginx proxy_pass, resumed (TLS 1.3 ticket)',
  nginxSessionId: 'nginx proxy_pass, resumed (TLS 1.2 session id)',
} as const;

export async function handshakes(stack: BenchStack, s: Settings): Promise<Array<Row<HandshakeResult>>> {
  const request = `GET / HTTP/1.1\r\nHost: localhost\r\nCookie: ${stack.cookie}\r\nConnection: close\r\n\r\n`;
  const R = HANDSHAKE_ROWS;
  const all: Array<[keyof typeof R, number | undefined, string | undefined, 'ticket' | 'session-id' | undefined]> = [
    ['gateway', stack.gw.port, undefined, undefined],
    ['bare', stack.barePort, undefined, undefined],
    ['nginx', stack.nginxProxyPort, nginxSkip(stack, false), undefined],
    ['nginxAuth', stack.nginxAuthPort, nginxSkip(stack, true), undefined],
    ['gatewayTicket', stack.gw.port, undefined, 'ticket'],
    ['gatewaySessionId', stack.gw.port, undefined, 'session-id'],
    ['bareTicket', stack.barePort, undefined, 'ticket'],
    ['nginxTicket', stack.nginxProxyPort, nginxSkip(stack, false), 'ticket'],
    ['nginxSessionId', stack.nginxProxyPort, nginxSkip(stack, false), 'session-id'],
  ];
  // BENCH_HANDSHAKE_ROWS narrows the phase to the rows being worked on (e.g. gateway,bare).
  const list = s.handshakeRows.length === 0 ? all : all.filter(([key]) => s.handshakeRows.includes(key));
  const targets = list.map(([key, port, skipped, resume]): Target<HandshakeResult> => {
    const name = R[key];
    if (!port) return { name, ...(skipped ? { skipped } : {}) };
    const common = { mode: 'handshake' as const, port, certPem: stack.tls.certPem, keyPem: stack.tls.keyPem, caPem: stack.tls.caPem, request, concurrency: s.handshakeConcurrency };
    const spec = resume ? { ...common, resume } : common;
    return {
      name,
      warm: s.warmupS > 0 ? () => runJob<HandshakeResult>(stack, { ...spec, durationMs: s.warmupS * 1000 }, s.warmupS) : undefined,
      run: () => runJob<HandshakeResult>(stack, { ...spec, durationMs: s.durationS * 1000 }, s.durationS),
    };
  });
  return interleaved('handshakes', targets, s.rounds, aggregateHandshakes);
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
