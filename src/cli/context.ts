// What every CLI command gets: output helpers, the acting OS user, and lazily opened store,
// audit log, registry and trusted CAs (commands that need none of them never connect).
import { isAbsolute, join, resolve } from 'node:path';
import { AuditLog, osActor } from '../audit/audit-log.js';
import { devCertsDir } from '../config/paths.js';
import { loadConfig, type Config } from '../config/config.js';
import { errors, isCertgateError } from '../errors/certgate-error.js';
import { Registry, type AuditBy } from '../registry/registry.js';
import { connectStore, createStore, type Store } from '../store/redis.js';
import { maskRedisUrl } from '../store/redis-url.js';
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
  /**
   * The settings the gateway would read from the same environment (src/config, purpose "cli"): a
   * mistyped value is an error naming the variable, never a silent default.
   */
  config(): Config;
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

export function createContext(io: CliIo): CliContext {
  const env = io.env;
  let redis: Store | undefined;
  let connecting: Promise<Store> | undefined;
  let cas: TrustedCa[] | undefined;
  let audit: AuditLog | undefined;
  let registry: Registry | undefined;
  let config: Config | undefined;

  const connect = async (): Promise<Store> => {
    const url = ctx.config().redisUrl;
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
    config: () => {
      if (config) return config;
      ctx.timeZone(); // a bad CERTGATE_TIME_ZONE keeps its own usage error (exit 2) rather than the general one
      try {
        return (config = loadConfig(env, { purpose: 'cli' }));
      } catch (err) {
        // The CLI's one stderr line names the variables themselves: "REDIS_URL …; CERTGATE_… …".
        if (isCertgateError(err) && err.code === 'CONFIG_INVALID') {
          throw errors.configInvalid(err.message.replace(/^invalid configuration:\s*-\s*/, '').split(/\n\s*-\s*/).join('; '));
        }
        throw err;
      }
    },
    by: { actor: osActor(env), source: 'cli' },
    redis: () => (connecting ??= connect()),
    audit: async () =>
      (audit ??= new AuditLog(await ctx.redis(), ctx.config().auditMaxLen, {
        replicaWaitMs: ctx.config().replicaWaitMs,
        // The write happened; say that a failover right now could still undo it.
        onUnacknowledged: (action, target) =>
          ctx.warn(`warning: no replica acknowledged ${action}${target ? ` ${target}` : ''} within ${ctx.config().replicaWaitMs} ms; a failover now could undo it — check the replicas (redis-cli ROLE / INFO replication)`),
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
