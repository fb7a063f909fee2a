// What every CLI command gets: output helpers, the acting OS user, and lazily opened store,
// audit log, registry and trusted CAs (commands that need none of them never connect).
import { isAbsolute, join, resolve } from 'node:path';
import { AuditLog, osActor } from '../audit/audit-log.js';
import { devCertsDir } from '../config/paths.js';
import { errors } from '../errors/certgate-error.js';
import { Registry, type AuditBy } from '../registry/registry.js';
import { connectStore, createStore, type Store } from '../store/redis.js';
import { maskRedisUrl, parseRedisUrl, RedisUrlError } from '../store/redis-url.js';
import { parseDuration } from '../config/duration.js';
import { DEFAULT_REPLICA_WAIT_MS } from '../store/replication.js';
import { loadTrustedCas, type TrustedCa } from '../tls/trusted-cas.js';
import type { CliIo } from './io.js';
import { timeZoneFrom } from '../time/zone.js';
import { escapeControl } from './safe-text.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** The CLI runs slow bulk operations (a 100,000-row import is one script): allow more than the gateway. */
const CLI_COMMAND_TIMEOUT_MS = 60_000;

export interface CliContext {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  /** Who is acting, for audit entries: the OS user, source "cli". */
  by: AuditBy;
  /** Connected store client (first call connects; run() closes it). */
  redis(): Promise<Store>;
  audit(): Promise<AuditLog>;
  registry(): Promise<Registry>;
  /** Trusted client CAs from CERTGATE_CLIENT_CA (default: the dev CA). */
  trustedCas(): TrustedCa[];
  /** Resolve a file argument against the caller's working directory. */
  path(file: string): string;
  /** Write one line to stdout. */
  print(line?: string): void;
  /** Write one JSON document to stdout (for --json). */
  printJson(value: unknown): void;
  /** Write one line to stderr (warnings; errors go through thrown CertgateErrors). */
  warn(line: string): void;
  now(): number;
  /** CERTGATE_TIME_ZONE (default Asia/Tokyo): date-only input and every date printed; a bad value is a usage error. */
  timeZone(): string;
  close(): Promise<void>;
}

/** REDIS_URL with any password masked, safe to print. */
export function safeRedisUrl(url: string): string {
  return maskRedisUrl(url);
}

/** CERTGATE_REPLICA_WAIT as the gateway reads it (a bad value falls back to the default here; `serve` rejects it). */
function replicaWaitMs(env: NodeJS.ProcessEnv): number {
  return (env.CERTGATE_REPLICA_WAIT ? parseDuration(env.CERTGATE_REPLICA_WAIT) : undefined) ?? DEFAULT_REPLICA_WAIT_MS;
}

export function createContext(io: CliIo): CliContext {
  const env = io.env;
  let redis: Store | undefined;
  let connecting: Promise<Store> | undefined;
  let cas: TrustedCa[] | undefined;
  let audit: AuditLog | undefined;
  let registry: Registry | undefined;

  const url = env.REDIS_URL && env.REDIS_URL !== '' ? env.REDIS_URL : DEFAULT_REDIS_URL;
  const connect = async (): Promise<Store> => {
    try {
      parseRedisUrl(url);
    } catch (err) {
      throw errors.configInvalid(err instanceof RedisUrlError ? err.message : `REDIS_URL is not a Redis URL (got "${safeRedisUrl(url)}")`);
    }
    const r = createStore(url, { connectionName: 'certgate-cli', commandTimeoutMs: CLI_COMMAND_TIMEOUT_MS });
    r.on('error', () => {}); // reported through the failing command, once
    redis = r;
    try {
      await connectStore(r, 3000);
    } catch {
      throw errors.storeUnavailable(
        new Error(`cannot reach the store at ${safeRedisUrl(url)} (REDIS_URL); start redis-server or set REDIS_URL to the right address`),
      );
    }
    return r;
  };

  const ctx: CliContext = {
    io,
    env,
    by: { actor: osActor(env), source: 'cli' },
    redis: () => (connecting ??= connect()),
    audit: async () =>
      (audit ??= new AuditLog(await ctx.redis(), Number(env.CERTGATE_AUDIT_MAXLEN) || 100_000, {
        replicaWaitMs: replicaWaitMs(env),
        // The write happened; say that a failover right now could still undo it.
        onUnacknowledged: (action, target) =>
          ctx.warn(`warning: no replica acknowledged ${action}${target ? ` ${target}` : ''} within ${replicaWaitMs(env)} ms; a failover now could undo it — check the replicas (redis-cli ROLE / INFO replication)`),
      })),
    registry: async () => (registry ??= new Registry(await ctx.redis(), await ctx.audit())),
    trustedCas: () => (cas ??= loadTrustedCas(ctx.path(env.CERTGATE_CLIENT_CA || join(env.CERTGATE_DEV_CERTS_DIR || devCertsDir(), 'ca.crt')))),
    path: (file) => (isAbsolute(file) ? file : resolve(io.cwd ?? process.cwd(), file)),
    print: (line = '') => io.stdout(`${escapeControl(line)}\n`),
    printJson: (value) => io.stdout(`${JSON.stringify(value, null, 2)}\n`),
    warn: (line) => io.stderr(`certgate: ${escapeControl(line, { singleLine: true })}\n`),
    now: () => Date.now(),
    timeZone: () => {
      const { zone, problem } = timeZoneFrom(env);
      if (problem) throw errors.usage(problem);
      return zone;
    },
    close: async () => {
      const r = redis;
      redis = undefined;
      if (!r) return;
      try {
        await Promise.race([r.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      } catch {
        // already gone
      }
      r.disconnect();
    },
  };
  return ctx;
}
