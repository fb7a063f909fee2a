// `npm run bench`: starts Redis, the upstream stand-in, the gateway and (when installed) nginx in both
// configurations, measures them with the same pinned load generator, prints a Markdown report and
// writes bench/results/latest.json. Every process it starts is stopped on every way out.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt } from './clustered.js';
import { killAllNow, pinSelf, planCpus, stopAll } from './procs.js';
import { partial, setUp, type BenchStack } from './setup.js';
import { handshakes, keepAlive, loginStorm, registry } from './measure.js';
import { topologies } from './topologies.js';
import { computeTargets, cpuReadings, markdown, type BenchReport, type Machine } from './report.js';
import { loadSettings } from './settings.js';
import { findNginx } from './nginx.js';
import { machineLoad, type MachineLoad } from './load-check.js';
import { sleep } from './stats.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function machine(): Machine {
  let redis = 'unknown';
  try {
    redis = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? redis;
  } catch {
    // reported as unknown
  }
  const nginx = findNginx();
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    redis,
    nginx: nginx ? `${nginx.version}${nginx.authRequest ? '' : ' (no auth_request)'}` : 'not installed',
  };
}

let dir: string | undefined;

const pct = (v: number | undefined): string => (v === undefined ? '?' : `${Math.round(v * 100)} %`);

/** With BENCH_WAIT_IDLE=<seconds>, wait (bounded) until other processes leave the CPUs alone. */
async function waitForIdle(seconds: number): Promise<MachineLoad> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const load = await machineLoad(1000);
    if (load.busy === undefined || load.busy < 0.05 || Date.now() >= deadline) return load;
    process.stderr.write(`waiting for an idle machine: ${pct(load.busy)} busy\n`);
    await sleep(1000);
  }
}
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll();
    partial.admin?.disconnect();
    await partial.redis?.stop().catch(() => undefined);
    if (dir && process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  })();
  return cleaning;
}

/** Background CPU use sampled while the bench's own processes are idle, before each phase. */
const background: Record<string, MachineLoad> = {};

async function phase<T>(name: string, errors: string[], run: () => Promise<T>): Promise<T | undefined> {
  if (cleaning) return undefined; // interrupted: start nothing new
  background[name] = await machineLoad(700);
  process.stderr.write(`${name}… (machine busy ${pct(background[name].busy)} before it)\n`);
  try {
    return await run();
  } catch (err) {
    if (cleaning) return undefined;
    errors.push(`${name}: ${(err as Error).message}`);
    process.stderr.write(`${name} failed: ${(err as Error).stack ?? String(err)}\n`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const settings = loadSettings();
  const plan = planCpus();
  // Children inherit this pinning (Redis, stand-ins); the load generator is pinned separately.
  pinSelf(plan);
  const workers = envInt('BENCH_WORKERS', plan.serverCpuCount);
  dir = mkdtempSync(join(tmpdir(), 'certgate-bench-'));
  process.stderr.write(`certgate bench: ${plan.note}; ${workers} server worker(s); temp folder ${dir}\n`);

  const before = await waitForIdle(envInt('BENCH_WAIT_IDLE', 0));
  const errors: string[] = [];
  let stack: BenchStack;
  try {
    stack = await setUp(dir, root, plan, workers);
  } catch (err) {
    process.stderr.write(`bench setup failed: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
  const want = (name: string) => settings.only.length === 0 || settings.only.includes(name);
  const keep = (want('keepalive') ? await phase('keep-alive requests', errors, () => keepAlive(stack, settings)) : undefined) ?? [];
  const hs = (want('handshakes') ? await phase('new handshakes', errors, () => handshakes(stack, settings)) : undefined) ?? [];
  const storm = want('storm') ? await phase('login storm', errors, () => loginStorm(stack, settings)) : undefined;
  const reg = want('registry') ? await phase('registry', errors, () => registry(stack, settings)) : undefined;
  const tops = settings.redis === 'cluster' ? await phase('redis topologies', errors, () => topologies(stack, settings)) : undefined;

  const notes = [...stack.notes];
  const saturated = cpuReadings({ keepAlive: keep, handshakes: hs, storm, registry: reg }).filter(([, r]) => (r.cpu?.loadGenerator ?? 0) >= 0.9);
  if (saturated.length > 0) {
    notes.push(
      `The load generator's CPUs were ≥ 90 % busy during ${saturated.map(([name]) => name).join(', ')}: those numbers are lower bounds (the server may do more), ` +
        'and a ratio against them flatters certgate.',
    );
  }
  const disturbed = cpuReadings({ keepAlive: keep, handshakes: hs, storm, registry: reg }).filter(([, r]) => (r.cpu?.foreign ?? 0) > 0.05);
  if (disturbed.length > 0) {
    notes.unshift(
      `WARNING: other processes used the machine during ${disturbed.map(([name, r]) => `${name} (${pct(r.cpu?.foreign)})`).join(', ')} ` +
        `(share of all CPU time not used by the bench; load average ${before.loadavg1} at start). They compete with the servers and the load generator, ` +
        'so those rows understate both sides: re-run on an idle machine (BENCH_WAIT_IDLE=60 waits for one).',
    );
  }
  if (!plan.pinned) notes.push(`Not pinned: ${plan.note}. Servers and load generator compete for the same CPUs.`);
  else if (plan.serverCpuCount === 1) notes.push('One CPU for all server processes (gateway or nginx, plus Redis and the stand-ins) and one for the load generator: the honest split on a 2-core machine.');
  notes.push(
    'backend direct = the upstream stand-in over plain HTTP (no TLS, no auth): the ceiling every proxy row shares.',
    'nginx proxy_pass authenticates by certificate only (no registry, no session); nginx + auth_request asks a Node stand-in that runs the gateway\'s own lookupGate + SessionStore.touch (one Redis round trip) and signs the same identity headers.',
    'Latencies are measured per response by the load generator (autocannon response events, sub-millisecond); req/s counts 2xx answers only.',
    'Fixed-rate runs (login storm) correct for coordinated omission: a slow answer also counts the requests its connection could not send meanwhile.',
    `Login storm: a loop that gets 503 waits ${settings.stormBackoffMs} ms before trying again.`,
    'CPU % = busy share of the server CPUs / of the load generator CPUs / of all CPU time taken by other processes, during the measured run; near 100 % on one side names the limit.',
    'Server CPU ms/req = CPU time (user + system, from /proc/<pid>/stat) of every server process the bench started — gateway with its workers and argon2 child, nginx, backend and auth stand-ins, bare node:https, redis-server — over the measured run, divided by the requests (or connections) answered. ' +
      'Other processes on the machine do not enter it, so it is the figure to trust on a busy machine; keep-alive rows are read in a window opened 1 s after the load generator\'s connections are up (their handshakes stay out), and kernel time spent on loopback packets outside the processes is not in it.',
  );
  const partialReport = {
    startedAt: new Date(started).toISOString(),
    seconds: 0,
    machine: machine(),
    settings,
    pinning: plan.note,
    workers,
    notes,
    keepAlive: keep,
    handshakes: hs,
    storm,
    registry: reg,
    topologies: tops,
    errors,
    background: { start: before, ...background },
  };
  const report: BenchReport = { ...partialReport, seconds: Math.round((Date.now() - started) / 1000), targets: computeTargets(partialReport) };
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(markdown(report));
  process.stderr.write(`\nwritten: bench/results/latest.json (${report.seconds} s)\n`);
  return errors.length > 0 ? 1 : 0;
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping everything the bench started…\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    await cleanup();
    process.exit(1);
  });

