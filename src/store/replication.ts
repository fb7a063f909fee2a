// "Acknowledged means durable": after an administrative write, WAIT until a replica has it (when the
// primary has replicas), so a failover right after the command cannot silently undo it.
import { storeCall } from './redis.js';
import { connectionFor, isCluster, type Store } from './store.js';

export type ReplicaAck = 'acknowledged' | 'not-acknowledged' | 'no-replicas';

export const DEFAULT_REPLICA_WAIT_MS = 1000;

/** Replicas of the node behind `conn` as it reports them (ROLE); 0 for a primary without replicas. */
async function replicaCount(conn: NonNullable<ReturnType<typeof connectionFor>>): Promise<number> {
  const role = (await storeCall(() => conn.role())) as unknown[];
  if (role[0] !== 'master') return -1;
  return Array.isArray(role[2]) ? role[2].length : 0;
}

/**
 * Waits (up to `timeoutMs`) until every primary that received one of `keys` has at least one replica
 * acknowledging the writes made on this client's connection to it. WAIT covers every earlier write of
 * the connection, so it must run on the same client that wrote.
 */
export async function awaitReplicas(store: Store, keys: string[], timeoutMs = DEFAULT_REPLICA_WAIT_MS): Promise<ReplicaAck> {
  // Sentinel and Cluster are run for their replicas: a primary there without one cannot acknowledge.
  const replicated = isCluster(store) || (store.options.sentinels?.length ?? 0) > 0;
  const conns = new Set(keys.map((k) => connectionFor(store, k)));
  if (conns.has(undefined)) return 'not-acknowledged';
  const results = await Promise.all(
    [...conns].map(async (conn): Promise<ReplicaAck> => {
      const replicas = await replicaCount(conn!);
      if (replicas === 0) return replicated ? 'not-acknowledged' : 'no-replicas';
      if (replicas < 0) return 'not-acknowledged';
      const acked = Number(await storeCall(() => conn!.wait(1, timeoutMs)));
      return acked >= 1 ? 'acknowledged' : 'not-acknowledged';
    }),
  );
  if (results.includes('not-acknowledged')) return 'not-acknowledged';
  return results.includes('acknowledged') ? 'acknowledged' : 'no-replicas';
}
