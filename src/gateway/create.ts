// Builds one gateway process: store connection, services, the mTLS listener and the ops listener,
// with a close() that drains in-flight requests before releasing Redis and the upstream pool.
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Config } from '../config/config.js';
import { createLogger, type Logger } from '../log/logger.js';
import { createRedis } from '../store/redis.js';
import { createMetrics } from '../ops/metrics.js';
import { createOpsServer } from '../ops/ops-server.js';
import { storeCheck, tcpCheck } from '../ops/readiness.js';
import { AuditLog } from '../audit/audit-log.js';
import { Registry } from '../registry/registry.js';
import { SessionStore } from '../session/session-store.js';
import { UserStore } from '../users/user-store.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { Argon2ChildEngine } from '../users/argon2-child-engine.js';
import { LoginService } from '../auth/login-service.js';
import { Upstream } from '../proxy/upstream.js';
import { ApplicationService } from '../applications/application-service.js';
import { ApplicationStore } from '../applications/application-store.js';
import { loadTlsMaterial } from './tls-material.js';
import { defineGateScript } from './request-lookup.js';
import { createGatewayApp } from './app.js';
import type { GatewayDeps } from './deps.js';
import { Notifier } from '../notify/service.js';

export interface GatewayOptions {
  logger?: Logger;
  /** 48-byte TLS session-ticket keys shared by cluster workers so resumption works across them. */
  ticketKeys?: Buffer;
  /** False in cluster workers: the primary serves /healthz, /readyz and /metrics for all of them. */
  opsListener?: boolean;
}

export interface Gateway {
  deps: GatewayDeps;
  server: HttpsServer;
  ops: HttpServer;
  /** Bound ports (useful with port 0 in tests). */
  port: number;
  opsPort: number;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export async function createGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const tls = loadTlsMaterial(config);
  const redis = createRedis(config.redisUrl, { commandTimeoutMs: config.timeouts.storeMs, connectionName: 'certgate-gateway', autoPipelining: true });
  redis.on('error', (err: Error) => logger.debug({ err: { message: err.message } }, 'redis connection error'));
  defineGateScript(redis);
  const audit = new AuditLog(redis, config.auditMaxLen);
  const sessions = new SessionStore(redis, config.session);
  const registry = new Registry(redis, audit);
  const metrics = createMetrics({ samplers: { activeSessions: () => sessions.countActive(), registryStats: () => registry.stats(Date.now()) } });
  // argon2 in a nice-19 child: a login storm must not take the CPU from proxied requests.
  const argon2 = new Argon2ChildEngine();
  const hasher = new PasswordHasher(config.argon2, config.login, argon2);
  const users = new UserStore(redis, audit, hasher);
  const login = new LoginService({ redis, users, sessions, hasher, audit, metrics, logger, config });
  const upstream = new Upstream({ url: config.upstream, timeoutMs: config.timeouts.upstreamMs });
  const applications = new ApplicationService(new ApplicationStore(redis), registry, tls.trustedCas, audit);
  // Expiry reminders and account notices: every instance tries, the store lease lets one send.
  const notifier = new Notifier({ redis, audit, registry, users, config: config.notify, logger, metrics });
  const deps: GatewayDeps = { config, logger, redis, metrics, audit, sessions, users, login, upstream, registry, applications, trustedCas: tls.trustedCas, crl: tls.crl };

  const app = createGatewayApp(deps);
  const server = createHttpsServer(
    {
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      // Ask for a certificate but let the gate render a friendly page when it is missing or bad.
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      handshakeTimeout: config.timeouts.handshakeMs,
      ...(options.ticketKeys ? { ticketKeys: options.ticketKeys } : {}),
    },
    app.callback(),
  );
  server.headersTimeout = config.timeouts.headersMs;
  server.requestTimeout = config.timeouts.requestMs;
  server.keepAliveTimeout = config.timeouts.keepAliveMs;
  server.on('secureConnection', (socket: TLSSocket) => {
    // The per-socket certificate cache relies on the certificate never changing mid-connection.
    socket.disableRenegotiation();
  });
  server.on('tlsClientError', (err: Error) => logger.debug({ err: { message: err.message } }, 'TLS handshake failed'));

  let shuttingDown = false;
  const ops = createOpsServer({
    registry: metrics.registry,
    isShuttingDown: () => shuttingDown,
    checks: {
      store: storeCheck(redis),
      upstream: tcpCheck(config.upstream),
      tls: async () => (server.listening ? { ok: true } : { ok: false, error: 'mTLS listener not listening' }),
    },
  });

  const gateway: Gateway = {
    deps,
    server,
    ops,
    port: 0,
    opsPort: 0,
    async listen() {
      redis.connect().catch((err: Error) => logger.warn({ err: { message: err.message } }, 'redis not reachable yet; retrying'));
      await listenOn(server, config.listen.host, config.listen.port);
      gateway.port = (server.address() as AddressInfo).port;
      notifier.start();
      if (options.opsListener === false) return;
      await listenOn(ops, config.opsListen.host, config.opsListen.port);
      gateway.opsPort = (ops.address() as AddressInfo).port;
    },
    async close() {
      shuttingDown = true;
      await drain(server, config.timeouts.shutdownGraceMs);
      await notifier.stop();
      await upstream.close().catch(() => undefined);
      await argon2.close();
      await redis.quit().catch(() => redis.disconnect());
      if (ops.listening) {
        await new Promise<void>((resolve) => ops.close(() => resolve()));
        ops.closeAllConnections();
      }
    },
  };
  return gateway;
}

function listenOn(server: HttpServer | HttpsServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stop accepting, let in-flight requests finish within `graceMs`, then cut what is left. */
function drain(server: HttpsServer, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
