// What every CLI command gets: output helpers, the acting OS user, and lazily opened store,
// audit log, registry and trusted CAs (commands that need none of them never connect).
import { isAbsolute, join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { AuditLog, osActor } from '../audit/audit-log.js';
import { devCertsDir } from '../config/paths.js';
import { errors } from '../errors/certgate-error.js';
import { Registry, type AuditBy } from '../registry/registry.js';
import { connectRedis, createRedis } from '../store/redis.js';
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
  redis(): Promise<Redis>;
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
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

export function createContext(io: CliIo): CliContext {
  const env = io.env;
  let redis: Redis | undefined;
  let connecting: Promise<Redis> | undefined;
  let cas: TrustedCa[] | undefined;
  let audit: AuditLog | undefined;
  let registry: Registry | undefined;

  const url = env.REDIS_URL && env.REDIS_URL !== '' ? env.REDIS_URL : DEFAULT_REDIS_URL;
  const connect = async (): Promise<Redis> => {
    if (!/^rediss?:\/\//.test(url)) throw errors.configInvalid(`REDIS_URL must start with redis:// or rediss:// (got "${safeRedisUrl(url)}")`);
    const r = createRedis(url, { connectionName: 'certgate-cli', commandTimeoutMs: CLI_COMMAND_TIMEOUT_MS });
    r.on('error', () => {}); // reported through the failing command, once
    redis = r;
    try {
      await connectRedis(r, 3000);
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
    audit: async () => (audit ??= new AuditLog(await ctx.redis(), Number(env.CERTGATE_AUDIT_MAXLEN) || 100_000)),
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
