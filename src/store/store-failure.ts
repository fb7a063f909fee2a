// Recognises a Redis failure thrown by ioredis (timeout, closed connection, no offline queue)
// so that the gateway treats it as "store unavailable" — never as "absent".
const STORE_MESSAGES = [
  'Command timed out',
  "Stream isn't writeable",
  'Connection is closed',
  'Reached the max retries per request limit',
  'connect ECONNREFUSED',
  'read ECONNRESET',
  'LOADING',
  'CLUSTERDOWN',
  'MASTERDOWN',
  'READONLY',
  // Cluster and Sentinel: a failover in progress, or every node unreachable.
  "Cluster isn't ready",
  'Too many Cluster redirections',
  'Failed to refresh slots cache',
  'TRYAGAIN',
  'None of the sentinels are available',
  'All sentinels are unreachable',
  'no store answer within',
];

export function isStoreFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ReplyError' || err.name === 'ClusterAllFailedError') return true;
  return STORE_MESSAGES.some((m) => err.message.includes(m));
}
