// One real Redis topology per test file (standalone, Sentinel or Cluster; scripts/redis-topology.ts),
// in a temporary folder removed when the process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTopology, type Topology } from '../../scripts/redis-topology.js';
import { connectStore, createStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';

export type { Topology };
export const TOPOLOGIES = ['standalone', 'sentinel', 'cluster'] as const;

export async function topology(kind: Topology['kind']): Promise<Topology> {
  const dir = mkdtempSync(join(tmpdir(), `certgate-${kind}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return startTopology(kind, dir);
}

/** A connected store client for the topology, as certgate makes it (close with disconnect()). */
export async function storeFor(top: Topology, options: { commandTimeoutMs?: number } = {}): Promise<Store> {
  const store = createStore(top.url, { commandTimeoutMs: options.commandTimeoutMs ?? 2000, connectionName: 'certgate-test' });
  store.on('error', () => undefined);
  await connectStore(store, 10_000);
  return store;
}
