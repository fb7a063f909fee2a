// The environment variables certgate reads (README "Configuration"), validated with zod.
// Transformed values use `prefault` so their defaults go through the same parsing as given values.
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { urlSetting } from './url-setting.js';
import { parseRedisUrl, RedisUrlError } from '../store/redis-url.js';
import { DEFAULT_TIME_ZONE, isTimeZone } from '../time/zone.js';
import { notifyEnvShape } from './notify-schema.js';

const hostPort = (name: string) =>
  z.string().refine((v) => parseHostPort(v) !== undefined, {
    message: `${name} must be host:port, e.g. 127.0.0.1:8443 or [::1]:8443`,
  });

export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

const duration = (name: string, minMs = 1) =>
  z.string().transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined || ms < minMs) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a duration such as 90s, 30m, 12h or 2d (got "${v}")` });
      return z.NEVER;
    }
    return ms;
  });

const integer = (name: string, min: number, max: number) =>
  z.string().transform((v, ctx) => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max} (got "${v}")` });
      return z.NEVER;
    }
    return n;
  });

/** One server, Sentinel or Cluster (store/redis-url.ts); the message names the variable and the forms. */
const redisUrl = z.string().superRefine((v, ctx) => {
  try {
    parseRedisUrl(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof RedisUrlError ? err.message : 'REDIS_URL is not a Redis URL' });
  }
});

/** `cdp` or a list of http(s) URLs; undefined when malformed. */
export function parseCrlUrls(text: string): 'cdp' | string[] | undefined {
  if (text.trim().toLowerCase() === 'cdp') return 'cdp';
  const urls = text.split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) return undefined;
  for (const u of urls) {
    try {
      if (!['http:', 'https:'].includes(new URL(u).protocol)) return undefined;
    } catch {
      return undefined;
    }
  }
  return urls;
}

export const envSchema = z.object({
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  CERTGATE_LISTEN: hostPort('CERTGATE_LISTEN').default('0.0.0.0:8443'),
  CERTGATE_TLS_CERT: z.string().min(1).optional(),
  CERTGATE_TLS_KEY: z.string().min(1).optional(),
  CERTGATE_CLIENT_CA: z.string().min(1).optional(),
  CERTGATE_CRL: z.string().min(1).optional(),
  CERTGATE_TLS_WATCH: z.enum(['on', 'off'], { message: 'CERTGATE_TLS_WATCH must be "on" or "off"' }).default('off'),
  CERTGATE_CRL_URL: z
    .string()
    .refine((v) => parseCrlUrls(v) !== undefined, {
      message: 'CERTGATE_CRL_URL must be "cdp" or comma-separated http:// or https:// URLs',
    })
    .optional(),
  CERTGATE_CRL_REFRESH: duration('CERTGATE_CRL_REFRESH', 10_000).prefault('1h'),
  CERTGATE_CRL_STALE: z.enum(['warn', 'deny'], { message: 'CERTGATE_CRL_STALE must be "warn" or "deny"' }).default('warn'),
  CERTGATE_CRL_GRACE: duration('CERTGATE_CRL_GRACE', 0).prefault('1h'),
  CERTGATE_CRL_TIMEOUT: duration('CERTGATE_CRL_TIMEOUT', 100).prefault('10s'),
  CERTGATE_CRL_CACHE_DIR: z.string().min(1).optional(),
  CERTGATE_OCSP: z.enum(['off', 'prefer', 'require'], { message: 'CERTGATE_OCSP must be "off", "prefer" or "require"' }).default('off'),
  CERTGATE_OCSP_URL: urlSetting('CERTGATE_OCSP_URL', ['http:', 'https:']).optional(),
  CERTGATE_OCSP_TIMEOUT: duration('CERTGATE_OCSP_TIMEOUT', 100).prefault('5s'),
  CERTGATE_OCSP_CACHE: duration('CERTGATE_OCSP_CACHE', 1000).prefault('1h'),
  CERTGATE_UPSTREAM: urlSetting('CERTGATE_UPSTREAM', ['http:', 'https:']).default('http://127.0.0.1:3000'),
  CERTGATE_OPS_LISTEN: hostPort('CERTGATE_OPS_LISTEN').default('127.0.0.1:9090'),
  CERTGATE_PORTAL_LISTEN: hostPort('CERTGATE_PORTAL_LISTEN').default('127.0.0.1:3000'),
  CERTGATE_PORTAL_CONTENT: z.string().min(1).optional(),
  CERTGATE_SECRET: z.string().optional(),
  CERTGATE_ASSERTION_KEY: z.string().optional(),
  CERTGATE_ASSERTION_MAX_AGE: duration('CERTGATE_ASSERTION_MAX_AGE', 1000).prefault('30s'),
  CERTGATE_PUBLIC_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/, {
      message: 'CERTGATE_PUBLIC_HOST must be a host name with an optional port, e.g. portal.example.jp or portal.example.jp:8443',
    })
    .optional(),
  CERTGATE_METRICS_TOKEN: z.string().min(16, { message: 'CERTGATE_METRICS_TOKEN must be at least 16 characters (e.g. `openssl rand -hex 24`)' }).optional(),
  CERTGATE_CERT_FAILURE_LIMIT: integer('CERTGATE_CERT_FAILURE_LIMIT', 1, 100_000).prefault('20'),
  CERTGATE_CERT_COOLDOWN: duration('CERTGATE_CERT_COOLDOWN', 1000).prefault('15m'),
  CERTGATE_ARGON2_TIMEOUT: duration('CERTGATE_ARGON2_TIMEOUT', 100).prefault('10s'),
  CERTGATE_TLS_TICKET_ROTATION: duration('CERTGATE_TLS_TICKET_ROTATION', 1000).prefault('12h'),
  CERTGATE_SESSION_IDLE_TIMEOUT: duration('CERTGATE_SESSION_IDLE_TIMEOUT', 1000).prefault('30m'),
  CERTGATE_SESSION_MAX_AGE: duration('CERTGATE_SESSION_MAX_AGE', 1000).prefault('12h'),
  CERTGATE_LOCKOUT_THRESHOLD: integer('CERTGATE_LOCKOUT_THRESHOLD', 1, 100).prefault('5'),
  CERTGATE_SINGLE_LOGIN: z
    .enum(['replace', 'reject'], { message: 'CERTGATE_SINGLE_LOGIN must be "replace" or "reject"' })
    .default('replace'),
  CERTGATE_CERT_WARN_DAYS: integer('CERTGATE_CERT_WARN_DAYS', 0, 3650).prefault('60'),
  CERTGATE_WORKERS: integer('CERTGATE_WORKERS', 0, 256).optional(),
  CERTGATE_ARGON2_MEMORY_KIB: integer('CERTGATE_ARGON2_MEMORY_KIB', 19456, 4_194_304).prefault('19456'),
  CERTGATE_ARGON2_ITERATIONS: integer('CERTGATE_ARGON2_ITERATIONS', 2, 100).prefault('2'),
  CERTGATE_ARGON2_PARALLELISM: integer('CERTGATE_ARGON2_PARALLELISM', 1, 16).prefault('1'),
  CERTGATE_LOGIN_CONCURRENCY: integer('CERTGATE_LOGIN_CONCURRENCY', 1, 256).prefault('4'),
  CERTGATE_LOGIN_QUEUE: integer('CERTGATE_LOGIN_QUEUE', 0, 100_000).prefault('64'),
  CERTGATE_HANDSHAKE_TIMEOUT: duration('CERTGATE_HANDSHAKE_TIMEOUT', 100).prefault('10s'),
  CERTGATE_HEADERS_TIMEOUT: duration('CERTGATE_HEADERS_TIMEOUT', 100).prefault('15s'),
  CERTGATE_REQUEST_TIMEOUT: duration('CERTGATE_REQUEST_TIMEOUT', 100).prefault('60s'),
  CERTGATE_KEEPALIVE_TIMEOUT: duration('CERTGATE_KEEPALIVE_TIMEOUT', 100).prefault('65s'),
  CERTGATE_UPSTREAM_TIMEOUT: duration('CERTGATE_UPSTREAM_TIMEOUT', 100).prefault('30s'),
  CERTGATE_SHUTDOWN_GRACE: duration('CERTGATE_SHUTDOWN_GRACE', 0).prefault('10s'),
  CERTGATE_STORE_TIMEOUT: duration('CERTGATE_STORE_TIMEOUT', 50).prefault('800ms'),
  CERTGATE_LOCAL_COPY: z.enum(['on', 'off'], { message: 'CERTGATE_LOCAL_COPY must be "on" or "off"' }).default('on'),
  CERTGATE_REPLICA_WAIT: duration('CERTGATE_REPLICA_WAIT', 10).prefault('1s'),
  CERTGATE_AUDIT_MAXLEN: integer('CERTGATE_AUDIT_MAXLEN', 100, 100_000_000).prefault('100000'),
  CERTGATE_TIME_ZONE: z
    .string()
    .refine((v) => isTimeZone(v.trim()), { message: 'CERTGATE_TIME_ZONE must be an IANA time zone such as Asia/Tokyo or UTC' })
    .default(DEFAULT_TIME_ZONE),
  ...notifyEnvShape,
  // Parsed in api-settings.ts (a prefix and a rate need more than one field's check).
  CERTGATE_API_PREFIX: z.string().optional(),
  CERTGATE_API_RATE: z.string().optional(),
  CERTGATE_API_BURST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
});

export type Env = z.input<typeof envSchema>;
export type ParsedEnv = z.output<typeof envSchema>;
