// The store as the domains see it: one type for a single server, Sentinel (both ioredis `Redis`) and
// Cluster (ioredis `Cluster`). Domains call commands on it and never branch on the topology; the few
// things that differ (which primaries exist, which primary holds a key) are answered here.
import { Cluster, type Redis } from 'ioredis';
import { keySlot } from './key-slot.js';

/**
 * What every domain store takes. Both clients implement the same command methods, `defineCommand`
 * (scripts are routed by their first key on Cluster) and `multi` (one slot per transaction).
 * Not safe on Cluster: `pipeline()` over keys of several slots — send parallel commands instead
 * (auto-pipelining batches them per node).
 */
export type Store = Redis | Cluster;

export const isCluster = (store: Store): store is Cluster => store instanceof Cluster;

/** The primaries: every master node of a Cluster, or the one server (Sentinel: the current master). */
export function primaries(store: Store): Redis[] {
  return isCluster(store) ? store.nodes('master') : [store];
}

/** host:port each primary connection is connected to now (Sentinel: the master it resolved). */
export function primaryAddresses(store: Store): string[] {
  return primaries(store).map((n) => (n.stream?.remotePort ? `${n.stream.remoteAddress ?? '?'}:${n.stream.remotePort}` : `${n.options.host}:${n.options.port}`));
}

/** The connection that serves `key` (on Cluster: the primary owning its slot, as this client last saw it). */
export function connectionFor(store: Store, key: string): Redis | undefined {
  if (!isCluster(store)) return store;
  const nodeKeys = store.slots[keySlot(key)];
  const primary = nodeKeys?.[0];
  if (!primary) return undefined;
  return store.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === primary);
}

/** Run `op` for many keys with at most `width` commands in flight (no cross-slot pipeline needed). */
export async function forEachParallel<T, R>(items: readonly T[], width: number, op: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  for (let i = 0; i < items.length; i += width) {
    const chunk = items.slice(i, i + width);
    const replies = await Promise.all(chunk.map(op));
    replies.forEach((r, j) => (out[i + j] = r));
  }
  return out;
}
