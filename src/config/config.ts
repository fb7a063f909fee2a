// Turns the environment into one typed Config; every bad variable is reported in one error.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '../errors/certgate-error.js';
import { envSchema, parseCrlUrls, parseHostPort } from './schema.js';
import { devCertsDir, varDir } from './paths.js';
import { apiSettings, type ApiSettings } from './api-settings.js';
import { type NotifyConfig, notifyProblems, toNotifyConfig } from './notify-schema.js';
import { decodeAssertionKey, deriveKeys, type DerivedKeys } from './derived-keys.js';

export interface Config {
  redisUrl: string;
  listen: { host: string; port: number };
  opsListen: { host: string; port: number };
  portalListen: { host: string; port: number };
  portalContentDir: string | undefined;
  tls: { certFile: string; keyFile: string; clientCaFile: string; crlFile: string | undefined; ticketRotationMs: number };
  revocation: RevocationConfig;
  upstream: URL;
  /** CERTGATE_SECRET: only ever used through `keys` (HKDF, one key per purpose). */
  secret: Buffer;
  secretGenerated: boolean;
  /** Per-purpose keys; `assertion` is CERTGATE_ASSERTION_KEY when set, else derived from the secret. */
  keys: DerivedKeys;
  assertion: { maxAgeMs: number };
  /** CERTGATE_PUBLIC_HOST: sent upstream as X-Forwarded-Host (else the listener's address). */
  publicHost: string | undefined;
  /** CERTGATE_METRICS_TOKEN: bearer token /metrics requires when set. */
  metricsToken: string | undefined;
  /** Per-certificate login failures before 429, and how long the certificate then waits. */
  certLogin: { failureLimit: number; cooldownMs: number };
  /** Deadline of one argon2 hash/verify in the child before it is killed and restarted. */
  argon2TimeoutMs: number;
  session: { idleTimeoutMs: number; maxAgeMs: number; singleLogin: 'replace' | 'reject' };
  lockoutThreshold: number;
  certWarnDays: number;
  /** Certificate-only API routes (CERTGATE_API_PREFIX, CERTGATE_API_RATE, CERTGATE_API_BURST). */
  api: ApiSettings;
  workers: number | undefined;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  login: { concurrency: number; queue: number };
  timeouts: {
    handshakeMs: number;
    headersMs: number;
    requestMs: number;
    keepAliveMs: number;
    upstreamMs: number;
    shutdownGraceMs: number;
    storeMs: number;
  };
  auditMaxLen: number;
  /** How long administrative writes wait for a replica acknowledgement (WAIT). */
  replicaWaitMs: number;
  /** CERTGATE_LOCAL_COPY=on: registrations and sessions answered from a copy kept exact by Redis client tracking. */
  localCopy: boolean;
  /** CERTGATE_TIME_ZONE: date-only input and every date shown (src/time/zone.ts). */
  timeZone: string;
  /** Expiry reminders and account notices (README "Notifications"). */
  notify: NotifyConfig;
  logLevel: string;
  development: boolean;
}

/** CRL fetching, staleness and OCSP (README "Revocation"). */
export interface RevocationConfig {
  /** CERTGATE_CRL_URL: explicit URLs; empty with `crlFromCdp` for the certificates' distribution points. */
  crlUrls: string[];
  crlFromCdp: boolean;
  crlRefreshMs: number;
  crlStale: 'warn' | 'deny';
  crlGraceMs: number;
  crlTimeoutMs: number;
  /** Where the last good CRL of each CA is kept for a restart during a CA outage. */
  crlCacheDir: string;
  ocsp: 'off' | 'prefer' | 'require';
  ocspUrl: string | undefined;
  ocspTimeoutMs: number;
  /** Cache period of an OCSP answer that carries no nextUpdate. */
  ocspCacheMs: number;
  /** CERTGATE_TLS_WATCH=on: reload when the TLS files change, as on SIGHUP. */
  watchFiles: boolean;
}

const VARIABLE_NAME = /^[A-Z0-9_]+$/;

export interface LoadOptions {
  /**
   * `portal`: the portal only verifies assertions, so CERTGATE_ASSERTION_KEY alone is enough (no
   * CERTGATE_SECRET); the secret is then a random placeholder that signs nothing.
   * `cli`: the CLI reads the same variables (store, sessions, argon2, audit) but signs nothing either,
   * and never serves TLS, so neither CERTGATE_SECRET nor the production TLS files are required.
   */
  purpose?: 'gateway' | 'portal' | 'cli';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const input = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => VARIABLE_NAME.test(k) && v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(input);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '');
      problems.push(issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`);
    }
  }
  const e = parsed.success ? parsed.data : undefined;
  const development = env.NODE_ENV === 'development';

  let assertionKey: Buffer | undefined;
  if (env.CERTGATE_ASSERTION_KEY) {
    assertionKey = decodeAssertionKey(env.CERTGATE_ASSERTION_KEY);
    if (!assertionKey) problems.push('CERTGATE_ASSERTION_KEY must be base64url of 32 or more bytes; print it with `certgate assertion-key`');
  }
  let secret: Buffer | undefined;
  let secretGenerated = false;
  if (env.CERTGATE_SECRET) {
    secret = Buffer.from(env.CERTGATE_SECRET, 'utf8');
    if (secret.length < 32) problems.push('CERTGATE_SECRET must be at least 32 bytes; generate one with `openssl rand -base64 48`');
  } else if (development || options.purpose === 'cli' || (options.purpose === 'portal' && env.CERTGATE_ASSERTION_KEY)) {
    secret = randomBytes(32);
    secretGenerated = true;
  } else {
    problems.push('CERTGATE_SECRET is required (>= 32 bytes; `openssl rand -base64 48`) unless NODE_ENV=development');
  }
  if (env.CERTGATE_TRUST_PROXY_PROTOCOL !== undefined) {
    // Never implemented: whoever sets it expects client addresses from a PROXY header and would not get them.
    problems.push('CERTGATE_TRUST_PROXY_PROTOCOL is not supported (certgate terminates TLS itself; use a TLS-passthrough balancer); remove it');
  }
  if (e && e.CERTGATE_SESSION_MAX_AGE < e.CERTGATE_SESSION_IDLE_TIMEOUT) {
    problems.push('CERTGATE_SESSION_MAX_AGE must not be shorter than CERTGATE_SESSION_IDLE_TIMEOUT');
  }
  const production = env.NODE_ENV === 'production';
  if (production && options.purpose !== 'portal' && options.purpose !== 'cli') {
    // A production gateway must never fall back to the development certificates in certs-dev/.
    const missing = ['CERTGATE_TLS_CERT', 'CERTGATE_TLS_KEY', 'CERTGATE_CLIENT_CA'].filter((n) => !env[n]);
    if (missing.length > 0) {
      problems.push(`${missing.join(', ')} must be set when NODE_ENV=production (the development certificates in certs-dev/ are never used in production)`);
    }
  }
  const notify = e ? toNotifyConfig(e, env) : undefined;
  if (notify) problems.push(...notifyProblems(notify));
  const api = apiSettings({ prefix: env.CERTGATE_API_PREFIX, rate: env.CERTGATE_API_RATE || undefined, burst: env.CERTGATE_API_BURST || undefined });
  problems.push(...api.problems);
  if (problems.length > 0 || !e || !secret || !notify) {
    throw errors.configInvalid(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }

  const dev = devCertsDir();
  const tls = {
    certFile: e.CERTGATE_TLS_CERT ?? join(dev, 'server.crt'),
    keyFile: e.CERTGATE_TLS_KEY ?? join(dev, 'server.key'),
    clientCaFile: e.CERTGATE_CLIENT_CA ?? join(dev, 'ca.crt'),
    crlFile: e.CERTGATE_CRL,
    ticketRotationMs: e.CERTGATE_TLS_TICKET_ROTATION,
  };
  const crlUrls = e.CERTGATE_CRL_URL ? parseCrlUrls(e.CERTGATE_CRL_URL) : [];
  const revocation: RevocationConfig = {
    crlUrls: Array.isArray(crlUrls) ? crlUrls : [],
    crlFromCdp: crlUrls === 'cdp',
    crlRefreshMs: e.CERTGATE_CRL_REFRESH,
    crlStale: e.CERTGATE_CRL_STALE,
    crlGraceMs: e.CERTGATE_CRL_GRACE,
    crlTimeoutMs: e.CERTGATE_CRL_TIMEOUT,
    crlCacheDir: e.CERTGATE_CRL_CACHE_DIR ?? join(varDir(), 'crl'),
    ocsp: e.CERTGATE_OCSP,
    ocspUrl: e.CERTGATE_OCSP_URL,
    ocspTimeoutMs: e.CERTGATE_OCSP_TIMEOUT,
    ocspCacheMs: e.CERTGATE_OCSP_CACHE,
    watchFiles: e.CERTGATE_TLS_WATCH === 'on',
  };
  return {
    redisUrl: e.REDIS_URL,
    listen: parseHostPort(e.CERTGATE_LISTEN)!,
    opsListen: parseHostPort(e.CERTGATE_OPS_LISTEN)!,
    portalListen: parseHostPort(e.CERTGATE_PORTAL_LISTEN)!,
    portalContentDir: e.CERTGATE_PORTAL_CONTENT,
    tls,
    revocation,
    upstream: new URL(e.CERTGATE_UPSTREAM),
    secret,
    secretGenerated,
    keys: { ...deriveKeys(secret), ...(assertionKey ? { assertion: assertionKey } : {}) },
    assertion: { maxAgeMs: e.CERTGATE_ASSERTION_MAX_AGE },
    publicHost: e.CERTGATE_PUBLIC_HOST,
    metricsToken: e.CERTGATE_METRICS_TOKEN,
    certLogin: { failureLimit: e.CERTGATE_CERT_FAILURE_LIMIT, cooldownMs: e.CERTGATE_CERT_COOLDOWN },
    argon2TimeoutMs: e.CERTGATE_ARGON2_TIMEOUT,
    session: {
      idleTimeoutMs: e.CERTGATE_SESSION_IDLE_TIMEOUT,
      maxAgeMs: e.CERTGATE_SESSION_MAX_AGE,
      singleLogin: e.CERTGATE_SINGLE_LOGIN,
    },
    lockoutThreshold: e.CERTGATE_LOCKOUT_THRESHOLD,
    certWarnDays: e.CERTGATE_CERT_WARN_DAYS,
    api: api.settings,
    workers: e.CERTGATE_WORKERS,
    argon2: {
      memoryCost: e.CERTGATE_ARGON2_MEMORY_KIB,
      timeCost: e.CERTGATE_ARGON2_ITERATIONS,
      parallelism: e.CERTGATE_ARGON2_PARALLELISM,
    },
    login: { concurrency: e.CERTGATE_LOGIN_CONCURRENCY, queue: e.CERTGATE_LOGIN_QUEUE },
    timeouts: {
      handshakeMs: e.CERTGATE_HANDSHAKE_TIMEOUT,
      headersMs: e.CERTGATE_HEADERS_TIMEOUT,
      requestMs: e.CERTGATE_REQUEST_TIMEOUT,
      keepAliveMs: e.CERTGATE_KEEPALIVE_TIMEOUT,
      upstreamMs: e.CERTGATE_UPSTREAM_TIMEOUT,
      shutdownGraceMs: e.CERTGATE_SHUTDOWN_GRACE,
      storeMs: e.CERTGATE_STORE_TIMEOUT,
    },
    auditMaxLen: e.CERTGATE_AUDIT_MAXLEN,
    replicaWaitMs: e.CERTGATE_REPLICA_WAIT,
    localCopy: e.CERTGATE_LOCAL_COPY === 'on',
    timeZone: e.CERTGATE_TIME_ZONE.trim(),
    notify,
    logLevel: e.LOG_LEVEL,
    development,
  };
}

/** True when the dev certificate files exist (used by `npm start` and readiness messages). */
export const devCertsPresent = (): boolean => existsSync(join(devCertsDir(), 'ca.crt'));
