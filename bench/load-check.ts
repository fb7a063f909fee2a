// How busy the CPUs are: before the run (other processes on a shared machine skew every number) and
// during each measurement (which side — servers or load generator — was the bottleneck).
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { sleep } from './stats.js';

type Times = Map<string, { busy: number; total: number }>;

/** Busy and total jiffies per line of /proc/stat ("cpu" = all, "cpu0", "cpu1", …). */
export function cpuSnapshot(): Times | undefined {
  try {
    const out: Times = new Map();
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      if (!line.startsWith('cpu')) continue;
      const [name, ...rest] = line.trim().split(/\s+/);
      const v = rest.map(Number);
      // user nice system idle iowait irq softirq steal
      const idle = (v[3] ?? 0) + (v[4] ?? 0);
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      out.set(name!, { busy: total - idle, total });
    }
    return out;
  } catch {
    return undefined;
  }
}

/** "0-1,3" → ["cpu0", "cpu1", "cpu3"]; empty → ["cpu"] (all). */
const cpuNames = (list: string): string[] => {
  if (!list) return ['cpu'];
  const names: string[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a!; i <= (b ?? a!); i++) names.push(`cpu${i}`);
  }
  return names;
};

/** Share of the listed CPUs busy between two snapshots, 0..1. */
export function busyBetween(a: Times | undefined, b: Times | undefined, list: string): number | undefined {
  if (!a || !b) return undefined;
  let busy = 0;
  let total = 0;
  for (const name of cpuNames(list)) {
    const x = a.get(name);
    const y = b.get(name);
    if (!x || !y) return undefined;
    busy += y.busy - x.busy;
    total += y.total - x.total;
  }
  return total > 0 ? Math.round((busy / total) * 1000) / 1000 : undefined;
}

export interface MachineLoad {
  /** Share of all CPUs busy over the sample, 0..1 (undefined without /proc/stat). */
  busy: number | undefined;
  loadavg1: number;
}

/** CPU use of the whole machine over `ms` (call it while the bench itself is idle). */
export async function machineLoad(ms = 1000): Promise<MachineLoad> {
  const a = cpuSnapshot();
  await sleep(ms);
  return { busy: busyBetween(a, cpuSnapshot(), ''), loadavg1: Math.round(loadavg()[0]! * 100) / 100 };
}

/** CPU jiffies used by this process and every descendant (reaped children included via cutime/cstime). */
export function ownJiffies(): number | undefined {
  try {
    const parent = new Map<number, number>();
    const used = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the command name (which may hold spaces), from field 3 (state) on.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(f[1]));
      used.set(Number(entry), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
    }
    let total = 0;
    for (const [pid, jiffies] of used) {
      for (let p: number | undefined = pid, depth = 0; p !== undefined && p > 1 && depth < 64; p = parent.get(p), depth++) {
        if (p === process.pid) {
          total += jiffies;
          break;
        }
      }
    }
    return total;
  } catch {
    return undefined;
  }
}

/** Busy jiffies of all CPUs without interrupt work (loopback traffic is accounted there, not to a process). */
export function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const v = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    return { busy: user + nice + system + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
  } catch {
    return undefined;
  }
}

/** Share of the machine's CPU time used by processes that are not the bench's, between two readings. */
export function foreignShare(
  a: { own: number | undefined; machine: ReturnType<typeof machineJiffies> },
  b: { own: number | undefined; machine: ReturnType<typeof machineJiffies> },
): number | undefined {
  if (a.own === undefined || b.own === undefined || !a.machine || !b.machine) return undefined;
  const total = b.machine.total - a.machine.total;
  if (total <= 0) return undefined;
  const foreign = b.machine.busy - a.machine.busy - (b.own - a.own);
  return Math.round(Math.max(0, foreign / total) * 1000) / 1000;
}
