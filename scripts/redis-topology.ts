// Real Redis topologies from `redis-server` on free loopback ports, for the tests and the bench:
// Sentinel (a primary, a replica, three sentinels) and Cluster (three primaries with a replica each,
// made by `redis-cli --cluster create`). Every process dies with the process that started it.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, startRedisProcess, type RedisProcess } from './redis-process.js';
import { keySlot } from '../src/store/key-slot.js';

const run = promisify(execFile);

export const SENTINEL_MASTER = 'cgmaster';

export interface Topology {
  kind: 'standalone' | 'sentinel' | 'cluster';
  /** REDIS_URL for certgate. */
  url: string;
  /** Every data node (primaries and replicas), by port. */
  nodes: Map<number, RedisProcess>;
  sentinels: RedisProcess[];
  /** Port of the current primary (Sentinel) or of every primary (Cluster), asked from the servers. */
  primaryPorts(): Promise<number[]>;
  /** Port of the primary serving `key` now. */
  primaryOf(key: string): Promise<number>;
  /** Resolves once every live replica has everything its primary has written so far. */
  replicasCaughtUp(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once the topology is whole and healthy, so a failover can start at once: every node,
   * replica link and sentinel known to all, nothing flagged down. Call it before killing a node.
   */
  formed(timeoutMs?: number): Promise<void>;
  /** What the servers say now (and what the sentinels logged), for a failing test to print. */
  describe(): Promise<string>;
  stop(): Promise<void>;
}

/** Waits until each replica's offset reaches its primary's (read after the call starts). */
async function caughtUp(nodes: Map<number, RedisProcess>, timeoutMs: number): Promise<void> {
  const offsets = new Map<number, number>();
  for (const port of nodes.keys()) {
    const info = await ask(port, (r) => r.info('replication')).catch(() => '');
    if (info.includes('role:master')) offsets.set(port, Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? 0));
  }
  await until('replicas', timeoutMs, async () => {
    for (const port of nodes.keys()) {
      const info = await ask(port, (r) => r.info('replication')).catch(() => '');
      if (!info.includes('role:slave')) continue;
      const master = Number(/master_port:(\d+)/.exec(info)?.[1]);
      const mine = Number(/slave_repl_offset:(\d+)/.exec(info)?.[1] ?? -1);
      const wanted = offsets.get(master);
      if (wanted !== undefined && mine < wanted) return false;
    }
    return true;
  });
}

async function ask<T>(port: number, op: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await op(r);
  } finally {
    r.disconnect();
  }
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startStandalone(dir: string): Promise<Topology> {
  const node = await startRedisProcess({ dir: join(dir, 'standalone') });
  return {
    kind: 'standalone',
    url: node.url,
    nodes: new Map([[node.port, node]]),
    sentinels: [],
    primaryPorts: async () => [node.port],
    primaryOf: async () => node.port,
    replicasCaughtUp: async () => undefined,
    formed: async () => undefined,
    describe: async () => describeNodes([node.port]),
    stop: () => node.stop(),
  };
}

/**
 * Sentinel timings for a test box, where a failover should start at once and a hiccup must not stall it:
 * - failover-timeout 3 s: an election that ends in a split vote (three sentinels seeing the primary down
 *   within the same second) is retried after 2 × failover-timeout — 6 s instead of the default 6 min;
 *   a promotion still gets 3 s to show (the replica answers SLAVEOF NO ONE in milliseconds).
 * - TILT period 5 s (SENTINEL DEBUG; default 30 s): a sentinel whose timer was starved for 2 s on a
 *   loaded machine enters TILT and acts on nothing for that long, which alone made a 45 s failover.
 */
const SENTINEL_FAILOVER_TIMEOUT_MS = 3000;
const SENTINEL_TILT_PERIOD_MS = 5000;

/** One primary, one replica, three sentinels (quorum 2) that declare the primary down after `downAfterMs`. */
export async function startSentinel(dir: string, downAfterMs = 1000): Promise<Topology> {
  const primary = await startRedisProcess({ dir: join(dir, 'primary') });
  const replica = await startRedisProcess({ dir: join(dir, 'replica'), extraArgs: ['--replicaof', '127.0.0.1', String(primary.port)] });
  const sentinels: RedisProcess[] = [];
  for (let i = 0; i < 3; i++) {
    const sdir = join(dir, `sentinel${i}`);
    mkdirSync(sdir, { recursive: true });
    const conf = join(sdir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} ${downAfterMs}`,
        `sentinel failover-timeout ${SENTINEL_MASTER} ${SENTINEL_FAILOVER_TIMEOUT_MS}`,
        `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
        // Kept in the topology's folder: what the sentinels decided, when a failover test needs explaining.
        `logfile ${join(sdir, 'sentinel.log')}`,
        '',
      ].join('\n'),
    );
    const sentinel = await startRedisProcess({ dir: sdir, sentinelConfig: conf });
    await ask(sentinel.port, (r) => r.call('SENTINEL', 'DEBUG', 'tilt-period', String(SENTINEL_TILT_PERIOD_MS)));
    sentinels.push(sentinel);
  }
  const nodes = new Map([
    [primary.port, primary],
    [replica.port, replica],
  ]);
  const sentinelPrimaries = async (): Promise<number[]> => {
    for (const s of sentinels) {
      const addr = await ask(s.port, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER) as Promise<string[]>).catch(() => undefined);
      if (addr) return [Number(addr[1])];
    }
    return [];
  };
  const formed = (timeoutMs = 60_000) => until('sentinel topology', timeoutMs, () => sentinelFormed(sentinels, [...nodes.keys()]));
  // Sentinels meet through hello messages and learn the replica from the primary's INFO (every 10 s).
  await formed();
  return {
    kind: 'sentinel',
    url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${SENTINEL_MASTER}`,
    nodes,
    sentinels,
    primaryPorts: sentinelPrimaries,
    primaryOf: async () => (await sentinelPrimaries())[0]!,
    replicasCaughtUp: (timeoutMs = 10_000) => caughtUp(nodes, timeoutMs),
    formed,
    describe: async () => {
      const logs = sentinels.map((s, i) => {
        const log = join(dir, `sentinel${i}`, 'sentinel.log');
        const lines = existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n').slice(-40) : ['(no log)'];
        return `sentinel ${s.port} log (last 40 lines):\n${lines.join('\n')}`;
      });
      return [await describeNodes([...nodes.keys()]), ...logs].join('\n');
    },
    stop: async () => {
      await Promise.all([...sentinels, ...nodes.values()].map((p) => p.stop()));
    },
  };
}

/** A SENTINEL reply (flat name/value list, or a list of them) as objects. */
const fields = (flat: string[]): Record<string, string> => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));

/**
 * Every sentinel names the same primary, sees it up, knows the other sentinels and every replica (link
 * up, nothing flagged down), is not in TILT, and can authorise a failover (CKQUORUM); every replica is
 * in sync with that primary. Then killing the primary starts a failover within down-after-milliseconds.
 */
async function sentinelFormed(sentinels: RedisProcess[], dataPorts: number[]): Promise<boolean> {
  const primaries = new Set<number>();
  for (const s of sentinels) {
    const ok = await ask(s.port, async (r) => {
      if (!(await r.info('sentinel')).includes('sentinel_tilt:0')) return false;
      await r.call('SENTINEL', 'CKQUORUM', SENTINEL_MASTER); // rejects when a failover could not be authorised
      const master = fields((await r.call('SENTINEL', 'MASTER', SENTINEL_MASTER)) as string[]);
      if (master.flags !== 'master') return false;
      primaries.add(Number(master.port));
      const replicas = ((await r.call('SENTINEL', 'REPLICAS', SENTINEL_MASTER)) as string[][]).map(fields);
      const others = ((await r.call('SENTINEL', 'SENTINELS', SENTINEL_MASTER)) as string[][]).map(fields);
      const wanted = dataPorts.filter((p) => p !== Number(master.port));
      return (
        others.length === sentinels.length - 1 &&
        others.every((o) => o.flags === 'sentinel') &&
        replicas.length === wanted.length &&
        wanted.every((port) => replicas.some((rep) => Number(rep.port) === port && rep.flags === 'slave' && rep['master-link-status'] === 'ok'))
      );
    });
    if (!ok) return false;
  }
  const [primary] = primaries;
  if (primaries.size !== 1 || primary === undefined) return false;
  for (const port of dataPorts) {
    if (port === primary) continue;
    const info = await ask(port, (r) => r.info('replication'));
    if (!info.includes('master_link_status:up') || !info.includes(`master_port:${primary}\r\n`)) return false;
  }
  return true;
}

/** Three primaries with one replica each; a node is failed after `nodeTimeoutMs` without answers. */
export async function startCluster(dir: string, nodeTimeoutMs = 1000): Promise<Topology> {
  const nodes = new Map<number, RedisProcess>();
  const ports: number[] = [];
  for (let i = 0; i < 6; i++) ports.push(await freePort());
  await Promise.all(
    ports.map(async (port, i) => {
      const node = await startRedisProcess({
        dir: join(dir, `node${i}`),
        port,
        extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(nodeTimeoutMs)],
      });
      nodes.set(port, node);
    }),
  );
  await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
  const primaryPorts = async (): Promise<number[]> => {
    for (const port of nodes.keys()) {
      const slots = await ask(port, (r) => r.cluster('SLOTS')).catch(() => undefined);
      if (slots) return [...new Set(slots.map((s) => Number(s[2]?.[1])))].sort((a, b) => a - b);
    }
    return [];
  };
  const formed = (timeoutMs = 60_000) => until('cluster', timeoutMs, () => clusterFormed([...nodes.keys()]));
  await formed();
  return {
    kind: 'cluster',
    url: `redis+cluster://${ports.slice(0, 3).map((p) => `127.0.0.1:${p}`).join(',')}`,
    nodes,
    sentinels: [],
    primaryPorts,
    primaryOf: async (key: string) => {
      const slot = keySlot(key);
      for (const port of nodes.keys()) {
        const slots = await ask(port, (r) => r.cluster('SLOTS')).catch(() => undefined);
        const range = slots?.find((s) => s[0] <= slot && slot <= s[1]);
        if (range) return Number(range[2]?.[1]);
      }
      throw new Error(`no node serves slot ${slot}`);
    },
    replicasCaughtUp: (timeoutMs = 10_000) => caughtUp(nodes, timeoutMs),
    formed,
    describe: async () => {
      const views = await Promise.all([...nodes.keys()].map(async (port) => `cluster nodes seen from ${port}:\n${await ask(port, (r) => r.cluster('NODES') as Promise<string>).catch((e: Error) => e.message)}`));
      return [await describeNodes([...nodes.keys()]), ...views].join('\n');
    },
    stop: async () => {
      await Promise.all([...nodes.values()].map((p) => p.stop()));
    },
  };
}

/**
 * Every node has every slot served, knows all the nodes (no handshake, no PFAIL/FAIL flag, every link
 * connected) and agrees who replicates whom; every replica is in sync with its primary. Only then can
 * the primaries vote a replica in as soon as its primary fails (cluster-node-timeout later).
 */
async function clusterFormed(ports: number[]): Promise<boolean> {
  const views: string[] = [];
  for (const port of ports) {
    const ok = await ask(port, async (r) => {
      const info = (await r.cluster('INFO')) as string;
      if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${ports.length}\r\n`) || !info.includes('cluster_slots_ok:16384')) return false;
      const lines = ((await r.cluster('NODES')) as string).trim().split('\n');
      if (lines.length !== ports.length || lines.some((l) => /fail|handshake|noaddr/.test(l.split(' ')[2] ?? '') || l.split(' ')[7] !== 'connected')) return false;
      // Who replicates whom, as "port>primaryId", must be the same from every node.
      views.push(
        lines
          .map((l) => l.split(' '))
          .map((f) => `${f[1]?.split('@')[0]}>${f[3]}`)
          .sort()
          .join(','),
      );
      const replication = await r.info('replication');
      return !replication.includes('role:slave') || replication.includes('master_link_status:up');
    });
    if (!ok) return false;
  }
  return new Set(views).size === 1;
}

/** Each data node's role and replication link, one line each (a dead node says why it did not answer). */
async function describeNodes(ports: number[]): Promise<string> {
  const lines = await Promise.all(
    ports.map(async (port) => {
      const info = await ask(port, (r) => r.info('replication')).catch((e: Error) => `unreachable: ${e.message}`);
      const pick = (name: string) => new RegExp(`${name}:([^\\r\\n]*)`).exec(info)?.[1];
      return `${port}: ${pick('role') ?? info} ${pick('master_port') ? `of ${pick('master_port')} link ${pick('master_link_status')}` : ''}`.trimEnd();
    }),
  );
  return lines.join('\n');
}

export function startTopology(kind: Topology['kind'], dir: string): Promise<Topology> {
  return kind === 'sentinel' ? startSentinel(dir) : kind === 'cluster' ? startCluster(dir) : startStandalone(dir);
}
