// REDIS_URL in its three forms (one server, Sentinel, Cluster), parsed once at start so a bad value
// stops the process with a message naming the variable instead of failing on the first request.

export type StoreTopology = 'standalone' | 'sentinel' | 'cluster';

export interface StoreNode {
  host: string;
  port: number;
}

export interface StoreTarget {
  topology: StoreTopology;
  /** rediss…: TLS to the data nodes. */
  tls: boolean;
  /** The server (standalone), the sentinels, or the cluster seed nodes. */
  nodes: StoreNode[];
  /** Sentinel: the monitored master's name. */
  masterName?: string;
  username?: string;
  password?: string;
  /** Standalone/Sentinel only (Cluster has one database). */
  db?: number;
}

const SHAPE = /^(redis|rediss)(?:\+(sentinel|cluster))?:\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?[^#]*)?$/i;
const FORMS = 'redis://host:6379, rediss://…, redis+sentinel://h1:26379,h2:26379/<master-name> or redis+cluster://h1:7000,h2:7001';

export class RedisUrlError extends Error {}

function bad(url: string, why: string): RedisUrlError {
  return new RedisUrlError(`REDIS_URL ${why} (got "${maskRedisUrl(url)}"); use ${FORMS}`);
}

function parseNode(text: string, defaultPort: number, url: string): StoreNode {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(text.trim());
  const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
  if (!m || port < 1 || port > 65535) throw bad(url, `has a bad host:port "${text}"`);
  return { host: m[1] ?? m[2] ?? '', port };
}

export function parseRedisUrl(url: string): StoreTarget {
  const m = SHAPE.exec(url.trim());
  if (!m) {
    throw new RedisUrlError(
      `REDIS_URL must start with redis:// or rediss:// (one server), redis+sentinel:// or redis+cluster:// (got "${maskRedisUrl(url)}"); use ${FORMS}`,
    );
  }
  const [, scheme, kind, userinfo, hostList, path] = m;
  const topology: StoreTopology = kind === undefined ? 'standalone' : (kind.toLowerCase() as StoreTopology);
  const defaultPort = topology === 'sentinel' ? 26379 : 6379;
  const hosts = (hostList ?? '').split(',').filter((h) => h.trim() !== '');
  if (hosts.length === 0) throw bad(url, 'names no host');
  if (topology === 'standalone' && hosts.length > 1) throw bad(url, 'lists several hosts; for Sentinel or Cluster start it with redis+sentinel:// or redis+cluster://');
  const target: StoreTarget = { topology, tls: scheme!.toLowerCase() === 'rediss', nodes: hosts.map((h) => parseNode(h, defaultPort, url)) };
  if (userinfo) {
    const colon = userinfo.indexOf(':');
    const user = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon));
    const pass = colon < 0 ? '' : decodeURIComponent(userinfo.slice(colon + 1));
    // As ioredis reads redis:// URLs: `user@` is a user name, `:pass@` a password alone.
    if (user) target.username = user;
    if (pass) target.password = pass;
  }
  const segment = (path ?? '').replace(/^\/+|\/+$/g, '');
  if (topology === 'sentinel') {
    if (!segment) throw bad(url, 'needs the master name after the sentinels, e.g. redis+sentinel://h1:26379,h2:26379/mymaster');
    const [name, db] = segment.split('/');
    target.masterName = decodeURIComponent(name!);
    if (db !== undefined) target.db = dbNumber(db, url);
  } else if (topology === 'cluster') {
    if (segment) throw bad(url, 'must not have a path with redis+cluster:// (a cluster has one database)');
  } else if (segment) {
    target.db = dbNumber(segment, url);
  }
  return target;
}

function dbNumber(text: string, url: string): number {
  if (!/^\d{1,2}$/.test(text)) throw bad(url, `has a bad database number "${text}"`);
  return Number(text);
}

/** The URL with its password masked, safe to print or log. */
export function maskRedisUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)([^@/?#]*)@/i, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}
