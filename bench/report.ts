// The printed Markdown report and the JSON written to bench/results/latest.json, with every target
// ratio computed from this run and marked met or missed.
import { topologyMarkdown, type TopologyReport } from './topologies.js';
import type { HandshakeResult } from './handshake.js';
import type { HttpResult } from './loadgen.js';
import { API_ROW, HANDSHAKE_ROWS, type CpuUse, type RegistryReport, type Row, type StormReport } from './measure.js';
import { medianRoundDifference, medianRoundRatio } from './rounds.js';
import type { Settings } from './settings.js';

export interface Machine {
  cpuModel: string;
  cpus: number;
  memGiB: number;
  os: string;
  node: string;
  redis: string;
  nginx: string;
}

export interface Target {
  goal: string;
  measured: string;
  ratio: number | undefined;
  required: string;
  met: boolean | undefined;
}

export interface BenchReport {
  startedAt: string;
  seconds: number;
  machine: Machine;
  settings: Settings;
  pinning: string;
  workers: number;
  notes: string[];
  keepAlive: Array<Row<HttpResult>>;
  handshakes: Array<Row<HandshakeResult>>;
  storm: StormReport | undefined;
  registry: RegistryReport | undefined;
  /** BENCH_REDIS=cluster only. */
  topologies?: TopologyReport | undefined;
  targets: Target[];
  errors: string[];
  /** Whole-machine CPU use sampled while the bench itself was idle (start, and before each phase). */
  background: Record<string, { busy: number | undefined; loadavg1: number }>;
}

const num = (v: number | undefined, digits = 0): string =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (v: number | undefined): string => num(v, 2);
const us = (v: number | undefined): string => num(v === undefined ? undefined : v * 1000, 0);
const ratioText = (r: number | undefined): string => (r === undefined || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}×`);

const pct = (v: number | undefined): string => (v === undefined ? '?' : String(Math.round(v * 100)));
const cpu = (r: CpuUse | undefined): string => (r?.cpu ? `${pct(r.cpu.servers)} / ${pct(r.cpu.loadGenerator)} / ${pct(r.cpu.foreign)}` : '—');
const cpuMs = (r: CpuUse | undefined): string => num(r?.cpuMsPerOp, 3);

/** Short names for the server process groups in the breakdown column. */
const GROUP_NAMES: Record<string, string> = {
  gateway: 'gateway',
  nginx: 'nginx',
  'upstream stand-in': 'backend',
  'auth stand-in': 'auth',
  'bare node:https': 'bare',
  'redis-server': 'redis',
};

/** "gateway 0.31 + redis 0.04 + backend 0.05": CPU ms per request of each server group over all rounds. */
function breakdown(r: CpuUse | undefined, ops: number): string {
  if (!r?.serverMs || ops <= 0) return '—';
  const parts = Object.entries(r.serverMs)
    .map(([group, used]) => [GROUP_NAMES[group] ?? group, used / ops] as const)
    .filter(([, perOp]) => perOp >= 0.0005)
    .sort((a, b) => b[1] - a[1])
    .map(([group, perOp]) => `${group} ${perOp.toFixed(3)}`);
  return parts.length > 0 ? parts.join(' + ') : '—';
}

/** Every job's CPU reading, to warn when other processes took a share of the machine. */
export function cpuReadings(r: Pick<BenchReport, 'keepAlive' | 'handshakes' | 'storm' | 'registry'>): Array<[string, CpuUse]> {
  const out: Array<[string, CpuUse]> = [];
  for (const row of r.keepAlive) if (row.result) out.push([`keep-alive ${row.name}`, row.result]);
  for (const row of r.handshakes) if (row.result) out.push([`handshakes ${row.name}`, row.result]);
  if (r.storm) out.push(['storm quiet', r.storm.quiet], ['storm', r.storm.storm]);
  if (r.registry) out.push(['registry (1 serial)', r.registry.gatewayEmpty], ['registry (1M serials)', r.registry.gatewayFull]);
  return out;
}

const find = <T>(rows: Array<Row<T>>, name: string): (T & CpuUse) | undefined => rows.find((r) => r.name === name)?.result;
const roundsOf = <T>(rows: Array<Row<T>>, name: string): Array<T & CpuUse> | undefined => rows.find((r) => r.name === name)?.rounds;

function target(goal: string, a: number | undefined, b: number | undefined, op: '>=' | '<=', factor: number, measured: (r: number) => string, ratio?: number): Target {
  const value = ratio ?? (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
  const met = value === undefined ? undefined : op === '>=' ? value >= factor : value <= factor;
  return { goal, ratio: value, measured: value === undefined ? 'not measured' : measured(value), required: `${op === '>=' ? '≥' : '≤'} ${factor}×`, met };
}

const roundsText = (n: number | undefined): string => (n !== undefined && n > 1 ? `median of ${n} per-round ratios ` : '');

export function computeTargets(r: Omit<BenchReport, 'targets'>): Target[] {
  const K = { gw: 'certgate gateway', nginx: 'nginx proxy_pass', auth: 'nginx + auth_request' };
  const H = HANDSHAKE_ROWS;
  const gw = find(r.keepAlive, K.gw);
  const nginx = find(r.keepAlive, K.nginx);
  const auth = find(r.keepAlive, K.auth);
  const rounds = roundsOf(r.keepAlive, K.gw)?.length;
  const rps = (x: { reqPerSec: number }) => x.reqPerSec;
  const perOp = (x: CpuUse) => x.cpuMsPerOp;
  const out = [
    target('gateway vs nginx + auth_request (req/s, keep-alive)', gw?.reqPerSec, auth?.reqPerSec, '>=', 1.3, (x) => `${num(gw?.reqPerSec)} / ${num(auth?.reqPerSec)} req/s: ${roundsText(rounds)}${ratioText(x)}`, medianRoundRatio(roundsOf(r.keepAlive, K.gw), roundsOf(r.keepAlive, K.auth), rps)),
    target('gateway vs nginx proxy_pass (req/s, keep-alive)', gw?.reqPerSec, nginx?.reqPerSec, '>=', 0.3, (x) => `${num(gw?.reqPerSec)} / ${num(nginx?.reqPerSec)} req/s: ${roundsText(rounds)}${ratioText(x)}`, medianRoundRatio(roundsOf(r.keepAlive, K.gw), roundsOf(r.keepAlive, K.nginx), rps)),
    target('server CPU per request, gateway vs nginx + auth_request (keep-alive)', gw?.cpuMsPerOp, auth?.cpuMsPerOp, '<=', 0.75, (x) => `${num(gw?.cpuMsPerOp, 3)} / ${num(auth?.cpuMsPerOp, 3)} ms: ${roundsText(rounds)}${ratioText(x)}`, medianRoundRatio(roundsOf(r.keepAlive, K.gw), roundsOf(r.keepAlive, K.auth), perOp)),
  ];
  // An API request (certificate + rate bucket, no session) costs no more than 10 % over a browser one.
  const api = find(r.keepAlive, API_ROW);
  out.push(
    target('API request vs browser request (req/s, keep-alive)', api?.reqPerSec, gw?.reqPerSec, '>=', 0.9, (x) => `${num(api?.reqPerSec)} / ${num(gw?.reqPerSec)} req/s: ${roundsText(rounds)}${ratioText(x)}`, medianRoundRatio(roundsOf(r.keepAlive, API_ROW), roundsOf(r.keepAlive, K.gw), rps)),
  );
  const hsGw = find(r.handshakes, H.gateway);
  const hsNginx = find(r.handshakes, H.nginx);
  const hsBare = find(r.handshakes, H.bare);
  const hsRounds = roundsOf(r.handshakes, H.gateway)?.length;
  out.push(
    target('new mTLS handshakes/s, gateway vs nginx proxy_pass', hsGw?.perSec, hsNginx?.perSec, '>=', 0.6, (x) => `${num(hsGw?.perSec)} / ${num(hsNginx?.perSec)}: ${roundsText(hsRounds)}${ratioText(x)}`, medianRoundRatio(roundsOf(r.handshakes, H.gateway), roundsOf(r.handshakes, H.nginx), (x) => x.perSec)),
  );
  const extra = medianRoundDifference(roundsOf(r.handshakes, H.gateway), roundsOf(r.handshakes, H.bare), perOp);
  out.push({
    goal: 'server CPU per new mTLS connection, gateway minus bare node:https (same certificate)',
    measured: extra === undefined ? 'not measured' : `${num(hsGw?.cpuMsPerOp, 2)} − ${num(hsBare?.cpuMsPerOp, 2)} ms: ${hsRounds !== undefined && hsRounds > 1 ? `median of ${hsRounds} per-round differences ` : ''}+${extra.toFixed(2)} ms`,
    ratio: extra,
    required: '≤ +0.5 ms',
    met: extra === undefined ? undefined : extra <= 0.5,
  });
  const q = r.storm?.quiet.latency.p99;
  const st = r.storm?.storm.latency.p99;
  out.push(target('proxied p99 during login storm vs quiet', st, q, '<=', 2, (x) => `${ms(st)} ms / ${ms(q)} ms = ${ratioText(x)}`));
  const reg = r.registry;
  const importS = reg ? reg.importMs / 1000 : undefined;
  out.push({
    goal: `serial import of ${num(reg?.importRows)} rows`,
    measured: importS === undefined ? 'not measured' : `${importS.toFixed(2)} s`,
    ratio: importS,
    required: '< 10 s',
    met: importS === undefined || reg?.importAdded !== reg?.importRows ? (importS === undefined ? undefined : false) : importS < 10,
  });
  const le = reg?.lookupEmpty.latency.p50;
  const lf = reg?.lookupFullRandom.latency.p50;
  out.push(target(`registry lookup p50 with ${num(reg?.serials)} serials vs empty`, lf, le, '<=', 1.2, (x) => `${us(lf)} µs / ${us(le)} µs = ${ratioText(x)}`));
  const ge = reg?.gatewayEmpty.latency.p50;
  const gf = reg?.gatewayFull.latency.p50;
  out.push(target(`gateway request p50 with ${num(reg?.serials)} serials vs empty`, gf, ge, '<=', 1.2, (x) => `${ms(gf)} ms / ${ms(ge)} ms = ${ratioText(x)}`));
  return out;
}

function httpRows(rows: Array<Row<HttpResult>>): string[] {
  return rows.map((row) => {
    const x = row.result;
    if (!x) return `| ${row.name} | skipped: ${row.skipped} | | | | | | | |`;
    return `| ${row.name} | ${num(x.reqPerSec)} | ${ms(x.latency.p50)} | ${ms(x.latency.p99)} | ${num(x.non2xx)} | ${num(x.errors)} | ${cpuMs(x)} | ${breakdown(x, x.ok + x.non2xx)} | ${cpu(x)} |`;
  });
}

function handshakeRows(rows: Array<Row<HandshakeResult>>): string[] {
  return rows.map((row) => {
    const x = row.result;
    if (!x) return `| ${row.name} | skipped: ${row.skipped} | | | | | | | |`;
    return `| ${row.name} | ${num(x.perSec)} | ${ms(x.connectToResponse.p50)} | ${ms(x.connectToResponse.p99)} | ${num(x.failed)} | ${num(x.resumed)} / ${num(x.completed + x.non200)} | ${num(x.cpuMsPerOp, 2)} | ${breakdown(x, x.completed + x.non200)} | ${cpu(x)} |`;
  });
}

export function markdown(r: BenchReport): string {
  const s = r.settings;
  const m = r.machine;
  const lines = [
    `## certgate bench — ${r.startedAt}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cpus} CPUs, ${m.memGiB} GiB, ${m.os}; Node ${m.node}, Redis ${m.redis}, nginx ${m.nginx}.`,
    `Pinning: ${r.pinning}. Gateway CERTGATE_WORKERS=${r.workers}, nginx worker_processes ${r.workers}, stand-ins ${r.workers} process(es).`,
    `Server certificate ECDSA P-256 (the same for every server), client certificate ECDSA P-256, TLS 1.3 unless a row says TLS 1.2; gateway LOG_LEVEL=warn; nginx access_log off, ssl_session_cache shared:SSL:10m.`,
    '',
    `Rounds: ${s.rounds} per target, interleaved across targets (order reversed every other round), ${s.durationS} s each, after one ${s.warmupS} s warm-up per target; ` +
      'rates, latencies and CPU ms are the median round, counts the sum, "other" the worst round; target ratios are the median of the per-round ratios.',
    '',
    `### Authenticated, proxied keep-alive requests (${s.connections} connections)`,
    '',
    '| target | req/s | p50 ms | p99 ms | non-2xx | errors | server CPU ms/req | by process (ms/req) | CPU % servers / load gen / other |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|',
    ...httpRows(r.keepAlive),
    '',
    `### New mTLS connections (no keep-alive; ${s.handshakeConcurrency} concurrent; one authenticated GET per connection — proxied, except on the bare node:https server)`,
    '',
    'Full handshakes offer no session; resumed rows offer the session of the loop\'s previous connection (TLS 1.3 ticket, or TLS 1.2 session id with tickets refused).',
    '',
    '| target | connections/s | connect→response p50 ms | p99 ms | failed | resumed / all | server CPU ms/conn | by process (ms/conn) | CPU % servers / load gen / other |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|',
    ...handshakeRows(r.handshakes),
  ];
  if (r.storm) {
    const st = r.storm.storm.storm;
    lines.push(
      '',
      `### Login storm (gateway; proxied GET at a fixed ${num(r.storm.rate)} req/s over ${s.latencyConnections} connections)`,
      '',
      '| phase | proxied req/s | p50 ms | p99 ms | max ms | non-2xx | errors | CPU % servers / load gen / other |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...[['quiet', r.storm.quiet] as const, ['login storm', r.storm.storm] as const].map(
        ([name, x]) =>
          `| ${name} | ${num(x.reqPerSec)} | ${ms(x.latency.p50)} | ${ms(x.latency.p99)} | ${ms(x.latency.max)} | ${num(x.non2xx)} | ${num(x.errors)} | ${cpu(x)} |`,
      ),
    );
    if (st) {
      const codes = Object.entries(st.byStatus)
        .map(([code, n]) => `${code}: ${num(n)}`)
        .join(', ');
      lines.push(
        '',
        `Storm: ${st.loops} concurrent login loops (${s.stormUsers} users alternating wrong/right passwords, the rest wrong passwords for unknown IDs), ` +
          `${num(st.attempts)} POST /auth/login — ${codes}; shed with 503: ${num(st.shed)}; transport errors: ${num(st.errors)}; ` +
          `answered logins p50 ${ms(st.loginLatency.p50)} ms, p99 ${ms(st.loginLatency.p99)} ms.`,
      );
    }
  }
  const g = r.registry;
  if (g) {
    lines.push(
      '',
      '### Registry',
      '',
      `\`certgate serial import\` of ${num(g.importRows)} CSV rows: ${(g.importMs / 1000).toFixed(2)} s end to end (${num((g.importRows / g.importMs) * 1000)} rows/s), ${num(g.importAdded)} registrations added.`,
      `${num(g.serials)} more registrations written (one key each, parallel SET) in ${(g.fillMs / 1000).toFixed(1)} s; Redis used_memory +${num(g.memoryAfter - g.memoryBefore)} bytes = ${num(g.bytesPerSerial)} bytes per serial.`,
      '',
      'Gateway columns: authenticated proxied GET over one keep-alive connection, back to back (each request alone, no queueing); lookupGate: direct calls from the load CPU, one at a time.',
      '',
      '| registry | lookupGate p50 µs | p99 µs | gateway p50 ms | p99 ms |',
      '|---|---:|---:|---:|---:|',
      `| 1 serial (empty) | ${us(g.lookupEmpty.latency.p50)} | ${us(g.lookupEmpty.latency.p99)} | ${ms(g.gatewayEmpty.latency.p50)} | ${ms(g.gatewayEmpty.latency.p99)} |`,
      `| ${num(g.registrySizeAfter)} serials, the bench certificate | ${us(g.lookupFullSame.latency.p50)} | ${us(g.lookupFullSame.latency.p99)} | ${ms(g.gatewayFull.latency.p50)} | ${ms(g.gatewayFull.latency.p99)} |`,
      `| ${num(g.registrySizeAfter)} serials, random registered serials | ${us(g.lookupFullRandom.latency.p50)} | ${us(g.lookupFullRandom.latency.p99)} | | |`,
    );
  }
  if (r.topologies) lines.push(...topologyMarkdown(r.topologies, r.settings));
  lines.push('', '### Targets (ratios from this run)', '', '| target | measured | required | result |', '|---|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.goal} | ${t.measured} | ${t.required} | ${t.met === undefined ? 'not measured' : t.met ? 'met' : 'MISSED'} |`);
  if (r.notes.length > 0 || r.errors.length > 0) {
    lines.push('', '### Notes', '');
    for (const n of [...r.notes, ...r.errors.map((e) => `ERROR: ${e}`)]) lines.push(`- ${n}`);
  }
  return `${lines.join('\n')}\n`;
}
