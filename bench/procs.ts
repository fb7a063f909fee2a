// Every process the bench starts, pinned to a CPU set when taskset exists, and stopped on every exit
// path (normal end, error, Ctrl-C) — nothing the bench started may outlive it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { sleep } from './stats.js';

export interface CpuPlan {
  /** taskset found and at least two CPUs: servers and load generator run on separate CPUs. */
  pinned: boolean;
  serverCpus: string;
  loadCpus: string;
  /** CPUs on the server side: the gateway's CERTGATE_WORKERS and nginx's worker_processes. */
  serverCpuCount: number;
  note: string;
}

export function planCpus(): CpuPlan {
  const cpus = availableParallelism();
  const taskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!taskset || cpus < 2) {
    return {
      pinned: false,
      serverCpus: '',
      loadCpus: '',
      serverCpuCount: Math.max(1, Math.floor(cpus / 2)),
      note: taskset ? `only ${cpus} CPU: servers and load generator share it` : 'taskset not found: processes are not pinned',
    };
  }
  const serverCount = Math.floor(cpus / 2);
  const range = (from: number, to: number) => (from === to ? String(from) : `${from}-${to}`);
  const plan = { pinned: true, serverCpus: range(0, serverCount - 1), loadCpus: range(serverCount, cpus - 1), serverCpuCount: serverCount };
  return {
    ...plan,
    note: `servers (gateway, nginx, Redis, upstream, auth and bare node:https stand-ins) on CPU ${plan.serverCpus}, load generator on CPU ${plan.loadCpus}`,
  };
}

/** Pin this process (and so every child it spawns without its own pinning) to `cpus`. */
export function pinSelf(plan: CpuPlan): void {
  if (plan.pinned) spawnSync('taskset', ['-a', '-p', '-c', plan.serverCpus, String(process.pid)], { stdio: 'ignore' });
}

export interface Tracked {
  name: string;
  /** 'client' for the load generator and CLI runs: their CPU is not the servers'. */
  role: 'server' | 'client';
  child: ChildProcess;
  /** The last few KiB of stderr and stdout, for error messages. */
  tail(): string;
  exited: Promise<number | null>;
}

const running = new Set<Tracked>();

export function spawnTracked(
  name: string,
  command: string,
  args: string[],
  o: { cpus?: string; env?: NodeJS.ProcessEnv; cwd?: string; stdin?: boolean; role?: 'server' | 'client' } = {},
): Tracked {
  const [cmd, argv] = o.cpus ? ['taskset', ['-c', o.cpus, command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { env: o.env ?? process.env, cwd: o.cwd, stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4096);
  };
  // Always drain the pipes: a full pipe would block the child.
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      keep(Buffer.from(`\n${err.message}`));
      resolve(-1);
    });
  });
  const tracked: Tracked = { name, role: o.role ?? 'server', child, tail: () => tail, exited };
  if (!o.stdin) child.stdout?.on('data', keep);
  running.add(tracked);
  void exited.then(() => running.delete(tracked));
  return tracked;
}

/** Every process the bench started and still runs, by pid (taskset execs, so the pid is the program's). */
export function trackedByPid(): Map<number, Tracked> {
  const out = new Map<number, Tracked>();
  for (const t of running) if (t.child.pid !== undefined) out.set(t.child.pid, t);
  return out;
}

/** SIGTERM everything still running, SIGKILL what is left after `graceMs`. */
export async function stopAll(graceMs = 5000): Promise<void> {
  const left = [...running];
  for (const t of left) if (t.child.exitCode === null) t.child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (running.size > 0 && Date.now() < deadline) await sleep(50);
  for (const t of running) t.child.kill('SIGKILL');
}

export async function stop(t: Tracked, graceMs = 5000): Promise<void> {
  if (t.child.exitCode !== null || t.child.signalCode !== null) return;
  t.child.kill('SIGTERM');
  const timer = setTimeout(() => t.child.kill('SIGKILL'), graceMs);
  await t.exited;
  clearTimeout(timer);
}

/** Last resort on process exit (synchronous): nothing may survive the bench. */
export function killAllNow(): void {
  for (const t of running) if (t.child.exitCode === null) t.child.kill('SIGKILL');
}

/** Run a child to completion: exit code, stdout, stderr and wall time; killed after `timeoutMs`. */
export async function runToEnd(
  name: string,
  command: string,
  args: string[],
  o: { cpus?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs: number; onLine?: (line: string) => void },
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = process.hrtime.bigint();
  const t = spawnTracked(name, command, args, { ...o, stdin: true, role: 'client' });
  let stdout = '';
  let stderr = '';
  let pending = '';
  t.child.stdout?.on('data', (c: Buffer) => {
    const text = c.toString();
    stdout += text;
    if (!o.onLine) return;
    pending += text;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      o.onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  });
  t.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  t.child.stdin?.on('error', () => undefined);
  t.child.stdin?.end(o.input ?? '');
  const timer = setTimeout(() => {
    stderr += `\n(${name} killed after ${o.timeoutMs} ms)`;
    t.child.kill('SIGKILL');
  }, o.timeoutMs);
  const code = await t.exited;
  clearTimeout(timer);
  return { code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}
