// Turns the environment into one typed Config; every bad variable is reported in one error.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '../errors/certgate-error.js';
import { envSchema, parseHostPort } from './schema.js';
import { devCertsDir } from './paths.js';
import { type NotifyConfig, notifyProblems, toNotifyConfig } from './notify-schema.js';

export interface Config {
  redisUrl: string;
  listen: { host: string; port: number };
  opsListen: { host: string; port: number };
  portalListen: { host: string; port: number };
  portalContentDir: string | undefined;
  tls: { certFile: string; keyFile: string; clientCaFile: string; crlFile: string | undefined };
  upstream: URL;
  /** HMAC secret for cookies, CSRF tokens and the upstream assertion. */
  secret: Buffer;
  secretGenerated: boolean;
  session: { idleTimeoutMs: number; maxAgeMs: number; singleLogin: 'replace' | 'reject' };
  lockoutThreshold: number;
  certWarnDays: number;
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
  /** Expiry reminders and account notices (README "Notifications"). */
  notify: NotifyConfig;
  logLevel: string;
  development: boolean;
}

const VARIABLE_NAME = /^[A-Z_]+$/;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
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

  let secret: Buffer | undefined;
  let secretGenerated = false;
  if (env.CERTGATE_SECRET) {
    secret = Buffer.from(env.CERTGATE_SECRET, 'utf8');
    if (secret.length < 32) problems.push('CERTGATE_SECRET must be at least 32 bytes; generate one with `openssl rand -base64 48`');
  } else if (development) {
    secret = randomBytes(32);
    secretGenerated = true;
  } else {
    problems.push('CERTGATE_SECRET is required (>= 32 bytes; `openssl rand -base64 48`) unless NODE_ENV=development');
  }
  if (e && e.CERTGATE_SESSION_MAX_AGE < e.CERTGATE_SESSION_IDLE_TIMEOUT) {
    problems.push('CERTGATE_SESSION_MAX_AGE must not be shorter than CERTGATE_SESSION_IDLE_TIMEOUT');
  }
  const notify = e ? toNotifyConfig(e, env) : undefined;
  if (notify) problems.push(...notifyProblems(notify));
  if (problems.length > 0 || !e || !secret || !notify) {
    throw errors.configInvalid(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }

  const dev = devCertsDir();
  const tls = {
    certFile: e.CERTGATE_TLS_CERT ?? join(dev, 'server.crt'),
    keyFile: e.CERTGATE_TLS_KEY ?? join(dev, 'server.key'),
    clientCaFile: e.CERTGATE_CLIENT_CA ?? join(dev, 'ca.crt'),
    crlFile: e.CERTGATE_CRL,
  };
  return {
    redisUrl: e.REDIS_URL,
    listen: parseHostPort(e.CERTGATE_LISTEN)!,
    opsListen: parseHostPort(e.CERTGATE_OPS_LISTEN)!,
    portalListen: parseHostPort(e.CERTGATE_PORTAL_LISTEN)!,
    portalContentDir: e.CERTGATE_PORTAL_CONTENT,
    tls,
    upstream: new URL(e.CERTGATE_UPSTREAM),
    secret,
    secretGenerated,
    session: {
      idleTimeoutMs: e.CERTGATE_SESSION_IDLE_TIMEOUT,
      maxAgeMs: e.CERTGATE_SESSION_MAX_AGE,
      singleLogin: e.CERTGATE_SINGLE_LOGIN,
    },
    lockoutThreshold: e.CERTGATE_LOCKOUT_THRESHOLD,
    certWarnDays: e.CERTGATE_CERT_WARN_DAYS,
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
    notify,
    logLevel: e.LOG_LEVEL,
    development,
  };
}

/** True when the dev certificate files exist (used by `npm start` and readiness messages). */
export const devCertsPresent = (): boolean => existsSync(join(devCertsDir(), 'ca.crt'));
