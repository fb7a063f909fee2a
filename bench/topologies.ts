// BENCH_REDIS=cluster: the same gateway on a real 3-primary Redis Cluster next to the single server
// of this run — keep-alive req/s and lookupGate latency on both, and the cluster/standalone ratio.
import { join } from 'node:path';
import { startCluster } from '../scripts/redis-topology.js';
import { stop } from './procs.js';
import { freePort } from '../scripts/redis-process.js';
import { cli, loginWithPasswordChange, sessionOnly, startGateway } from './gateway.js';
import { BENCH_OPERATOR, BENCH_PASSWORD, BENCH_USER } from './shared.js';
import { runJob, httpsUrl, httpJob } from './measure.js';
import type { BenchStack } from './setup.js';
import type { Settings } from './settings.js';
import type { HttpResult, LookupResult } from './loadgen.js';
import type { CpuUse } from './measure.js';

export interface TopologyNumbers {
  keepAlive: HttpResult & CpuUse;
  lookup: LookupResult & CpuUse;
}

export interface TopologyReport {
  standalone: TopologyNumbers;
  cluster: TopologyNumbers;
  /** cluster ÷ standalone: keep-alive req/s (higher is better), lookup p50 latency (lower is better). */
  ratio: { keepAliveReqPerSec: number; lookupP50: number; lookupP99: number };
}

async function measure(stack: BenchStack, s: Settings, port: number, cookie: string, redisUrl: string, issuerId: string, serial: string): Promise<TopologyNumbers> {
  // A 1 s lead-in on the measured connections keeps their handshakes out of the server CPU per request.
  const keepAlive = await runJob<HttpResult>(stack, { ...httpJob(stack, s, httpsUrl(port), { leadInS: 1 }), headers: { cookie } }, s.warmupS + s.durationS + 1);
  const lookup = await runJob<LookupResult>(stack, { mode: 'lookup', redisUrl, targets: [[issuerId, serial]], count: s.lookups, maxMs: 20_000 }, 25);
  return { keepAlive, lookup };
}

export async function topologies(stack: BenchStack, s: Settings): Promise<TopologyReport> {
  process.stderr.write('  topologies: single server\n');
  const standalone = await measure(stack, s, stack.gw.port, stack.cookie, stack.redis.url, stack.issuerId, stack.serial);

  process.stderr.write('  topologies: starting a Redis Cluster (3 primaries + 3 replicas)\n');
  const top = await startCluster(join(stack.dir, 'cluster'));
  const gw = { ...stack.gw, redisUrl: top.url, port: await freePort(), opsPort: await freePort() };
  const cpus = stack.plan.pinned ? stack.plan.serverCpus : undefined;
  const gateway = await startGateway(gw, cpus);
  try {
    await cli(gw, ['operator', 'add', BENCH_OPERATOR, '--name', 'Bench operator']);
    await cli(gw, ['serial', 'add', '--cert', join(stack.dir, 'pki', 'demo-ec.crt'), '--operator', BENCH_OPERATOR]);
    const added = JSON.parse((await cli(gw, ['user', 'add', BENCH_USER, '--operator', BENCH_OPERATOR, '--json'])).stdout) as { temporaryPassword: string };
    const cookie = sessionOnly(await loginWithPasswordChange(gw.port, stack.tls, BENCH_USER, added.temporaryPassword, BENCH_PASSWORD));
    process.stderr.write('  topologies: Redis Cluster\n');
    const cluster = await measure(stack, s, gw.port, cookie, top.url, stack.issuerId, stack.serial);
    return {
      standalone,
      cluster,
      ratio: {
        keepAliveReqPerSec: cluster.keepAlive.reqPerSec / standalone.keepAlive.reqPerSec,
        lookupP50: cluster.lookup.latency.p50 / standalone.lookup.latency.p50,
        lookupP99: cluster.lookup.latency.p99 / standalone.lookup.latency.p99,
      },
    };
  } finally {
    await stop(gateway);
    await top.stop();
  }
}

const num = (v: number, digits = 0): string => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');

/** Cluster ÷ single server CPU per request (all server processes, every Cluster node included). */
const cpuRatio = (t: TopologyReport): string => {
  const a = t.cluster.keepAlive.cpuMsPerOp;
  const b = t.standalone.keepAlive.cpuMsPerOp;
  return a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}×` : '—';
};

export function topologyMarkdown(t: TopologyReport, s: Settings): string[] {
  const row = (name: string, n: TopologyNumbers) =>
    `| ${name} | ${num(n.keepAlive.reqPerSec)} | ${num(n.keepAlive.latency.p50, 2)} | ${num(n.keepAlive.cpuMsPerOp ?? Number.NaN, 3)} | ${num(n.lookup.latency.p50 * 1000)} | ${num(n.lookup.latency.p99 * 1000)} |`;
  return [
    '',
    `### Redis topologies (BENCH_REDIS=cluster; keep-alive: ${s.connections} connections, ${s.durationS} s)`,
    '',
    '| store | gateway req/s | p50 ms | server CPU ms/req | lookupGate p50 µs | p99 µs |',
    '|---|---:|---:|---:|---:|---:|',
    row('single redis-server', t.standalone),
    row('Redis Cluster, 3 primaries + 3 replicas', t.cluster),
    `| **cluster / single** | **${t.ratio.keepAliveReqPerSec.toFixed(2)}×** | | ${cpuRatio(t)} | **${t.ratio.lookupP50.toFixed(2)}×** | ${t.ratio.lookupP99.toFixed(2)}× |`,
    '',
    'All Cluster nodes run on the same server CPUs as the single server: the ratio shows the client-side cost of Cluster routing, not the capacity of more machines.',
  ];
}
