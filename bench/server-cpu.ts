// Server CPU time from /proc/<pid>/stat: every process the bench started that is not a client (load
// generator, CLI), grouped by the bench's child it descends from — gateway (with its cluster workers
// and argon2 child), nginx, backend and auth stand-ins, bare node:https, redis-server. Divided by the
// requests or connections a run completed, it gives CPU ms per request: a figure that a busy machine
// bends far less than req/s, because other processes' time is not in it.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { trackedByPid } from './procs.js';

export interface ServerCpuReading {
  /** CPU ms per server group (utime + stime, reaped children included). */
  byGroup: Record<string, number>;
}

let msPerTick: number | undefined;

function tickMs(): number {
  if (msPerTick === undefined) {
    const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
    msPerTick = 1000 / (Number.isFinite(hz) && hz > 0 ? hz : 100);
  }
  return msPerTick;
}

interface Stat {
  ppid: number;
  comm: string;
  ticks: number;
}

function readStats(): Map<number, Stat> {
  const out = new Map<number, Stat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    // Fields after the command name, from field 3 (state): ppid is [1]; utime, stime, cutime, cstime [11..14].
    const f = text.slice(close + 2).split(' ');
    out.set(Number(entry), { ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
  }
  return out;
}

/** CPU ms used so far by the server processes, per group; undefined without /proc. */
export function serverCpu(): ServerCpuReading | undefined {
  let stats: Map<number, Stat>;
  try {
    stats = readStats();
  } catch {
    return undefined;
  }
  const tracked = trackedByPid();
  const me = process.pid;
  const byGroup: Record<string, number> = {};
  for (const [pid, stat] of stats) {
    // Walk up to the bench's direct child this process descends from.
    let top = pid;
    let parent = stat.ppid;
    for (let depth = 0; parent !== me && depth < 64; depth++) {
      const up = stats.get(parent);
      if (!up || parent <= 1) {
        top = -1;
        break;
      }
      top = parent;
      parent = up.ppid;
    }
    if (top < 0 || pid === me) continue;
    const owner = tracked.get(top);
    if (owner?.role === 'client') continue;
    const group = owner?.name ?? stats.get(top)?.comm ?? 'other';
    byGroup[group] = (byGroup[group] ?? 0) + stat.ticks * tickMs();
  }
  return { byGroup };
}

/** CPU ms each group used between two readings (groups that used none are left out). */
export function cpuBetween(a: ServerCpuReading | undefined, b: ServerCpuReading | undefined): Record<string, number> | undefined {
  if (!a || !b) return undefined;
  const out: Record<string, number> = {};
  for (const [group, ms] of Object.entries(b.byGroup)) {
    const used = ms - (a.byGroup[group] ?? 0);
    if (used > 0) out[group] = used;
  }
  return out;
}
