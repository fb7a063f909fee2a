// Real Redis topologies from `redis-server` on free loopback ports, for the tests and the bench:
// Sentinel (a primary, a replica, three sentinels) and Cluster (three primaries with a replica each,
// made by `redis-cli --cluster create`). Every process dies with the process that started it.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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
    stop: () => node.stop(),
  };
}

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
        `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
        '',
      ].join('\n'),
    );
    sentinels.push(await startRedisProcess({ dir: sdir, sentinelConfig: conf }));
  }
  // Failover needs a majority that knows each other and the replica (sentinels meet through hello messages).
  await until('sentinels', 20_000, async () => {
    for (const s of sentinels) {
      const info = await ask(s.port, (r) => r.call('SENTINEL', 'MASTER', SENTINEL_MASTER) as Promise<string[]>);
      const field = (name: string) => info[info.indexOf(name) + 1];
      if (field('num-other-sentinels') !== '2' || field('num-slaves') !== '1') return false;
    }
    return (await ask(replica.port, (r) => r.info('replication'))).includes('master_link_status:up');
  });
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
  return {
    kind: 'sentinel',
    url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${SENTINEL_MASTER}`,
    nodes,
    sentinels,
    primaryPorts: sentinelPrimaries,
    primaryOf: async () => (await sentinelPrimaries())[0]!,
    replicasCaughtUp: (timeoutMs = 10_000) => caughtUp(nodes, timeoutMs),
    stop: async () => {
      await Promise.all([...sentinels, ...nodes.values()].map((p) => p.stop()));
    },
  };
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
  // Every node agrees the cluster is up and every replica has synced with its primary.
  await until('cluster', 30_000, async () => {
    for (const port of nodes.keys()) {
      if (!(await ask(port, (r) => r.cluster('INFO') as Promise<string>)).includes('cluster_state:ok')) return false;
    }
    const primaries = await primaryPorts();
    for (const port of nodes.keys()) {
      if (primaries.includes(port)) continue;
      if (!(await ask(port, (r) => r.info('replication'))).includes('master_link_status:up')) return false;
    }
    return primaries.length === 3;
  });
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
    stop: async () => {
      await Promise.all([...nodes.values()].map((p) => p.stop()));
    },
  };
}

export function startTopology(kind: Topology['kind'], dir: string): Promise<Topology> {
  return kind === 'sentinel' ? startSentinel(dir) : kind === 'cluster' ? startCluster(dir) : startStandalone(dir);
}
