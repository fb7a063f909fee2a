// Builds one gateway process: store connection, services, the mTLS listener and the ops listener,
// with a close() that drains in-flight requests before releasing Redis and the upstream pool.
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Config } from '../config/config.js';
import { createLogger, type Logger } from '../log/logger.js';
import { createStore } from '../store/redis.js';
import { keys, trackedPrefixes } from '../store/keys.js';
import { MaintenanceCache } from '../maintenance/maintenance-cache.js';
import { InvalidationFeed } from '../store/invalidation-feed.js';
import { RegistrationReader } from '../registry/registration-reader.js';
import { createMetrics } from '../ops/metrics.js';
import { createOpsServer } from '../ops/ops-server.js';
import { localCopyCheck, storeCheck, tcpCheck } from '../ops/readiness.js';
import { AuditLog } from '../audit/audit-log.js';
import { Registry } from '../registry/registry.js';
import { SessionStore } from '../session/session-store.js';
import { UserStore } from '../users/user-store.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { Argon2ChildEngine } from '../users/argon2-child-engine.js';
import { LoginService } from '../auth/login-service.js';
import { Upstream } from '../proxy/upstream.js';
import { MaterialReloader, buildMaterial, loadMaterial, materialFiles, type MaterialParts, type ReloadResult } from './material-reload.js';
import { watchMaterial } from './material-watch.js';
import { setupRevocation, type RevocationRole, type RevocationSetup } from './revocation-setup.js';
import { tlsMaterialCheck } from './material-checks.js';
import { defineRateScript } from '../api/rate-limit.js';
import { ApplicationService } from '../applications/application-service.js';
import { ApplicationStore } from '../applications/application-store.js';
import { newTicketKeys, rotateTicketKeys } from './ticket-keys.js';
import { attachSessionCache, SESSION_CACHE_DEFAULTS, TlsSessionCache } from '../tls/session-cache.js';
import { SERVER_TLS_POLICY } from '../tls/server-policy.js';
import { createGatewayApp } from './app.js';
import { proxiedFastPath } from './fast-path.js';
import type { GatewayDeps } from './deps.js';
import type { Store } from '../store/store.js';
import { Notifier } from '../notify/service.js';

export interface GatewayOptions {
  logger?: Logger;
  /**
   * 48-byte TLS session-ticket keys shared by cluster workers so resumption works across them (the
   * primary then rotates them); without it this process makes and rotates its own.
   */
  ticketKeys?: Buffer;
  /** False in cluster workers: the primary serves /healthz, /readyz and /metrics for all of them. */
  opsListener?: boolean;
  /** `worker` in a cluster: CRLs come from the primary, which also counts reloads. */
  revocationRole?: RevocationRole;
  /** Cluster worker: distribution points learnt from client certificates go to the primary. */
  learnCrlUrls?: (urls: string[]) => Promise<void>;
  /** Cluster worker: the material the primary has in force, instead of reading the files. */
  material?: MaterialParts;
  /** The request path's clock (tests pass one to move time instead of sleeping). */
  clock?: () => number;
  /** False in all cluster workers but one: session and certificate counts are sampled by one process. */
  sampleMetrics?: boolean;
}

export interface Gateway {
  deps: GatewayDeps;
  /** The argon2 child process engine (its pid and health, for tests and diagnostics). */
  argon2: Argon2ChildEngine;
  server: HttpsServer;
  ops: HttpServer;
  /** Bound ports (useful with port 0 in tests). */
  port: number;
  opsPort: number;
  revocation: RevocationSetup;
  /** Re-read server certificate, key, client CAs and CRL file (SIGHUP), or apply `parts` from a cluster primary; the old set stays on failure. */
  reload(parts?: MaterialParts): ReloadResult;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export async function createGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? Date.now;
  const tls = options.material ? buildMaterial(config, options.material) : loadMaterial(config);
  const redis = createStore(config.redisUrl, { commandTimeoutMs: config.timeouts.storeMs, connectionName: 'certgate-gateway', autoPipelining: true });
  redis.on('error', (err: Error) => logger.debug({ err: { message: err.message } }, 'redis connection error'));
  // Read through deps.clock, which tests may replace after start.
  const maintenance = new MaintenanceCache(redis, logger, undefined, () => deps.clock());
  const audit = new AuditLog(redis, config.auditMaxLen, { replicaWaitMs: config.replicaWaitMs });
  defineRateScript(redis);
  // Registrations and sessions served from local copies kept exact by Redis client tracking.
  const feed = config.localCopy ? new InvalidationFeed(redis, { prefixes: trackedPrefixes, logger }) : undefined;
  const registrations = new RegistrationReader(redis, feed);
  const sessions = new SessionStore(redis, config.session, feed);
  const registry = new Registry(redis, audit);
  const metrics = createMetrics(
    options.sampleMetrics === false ? {} : { samplers: { activeSessions: () => sessions.countActive(), registryStats: () => registry.stats(Date.now()) } },
  );
  // argon2 in a nice-19 child: a login storm must not take the CPU from proxied requests.
  const argon2 = new Argon2ChildEngine({
    deadlineMs: config.argon2TimeoutMs,
    onHung: ({ pid, deadlineMs }) => logger.error({ pid, deadlineMs }, 'argon2 child did not answer in time; killed and replaced'),
  });
  const hasher = new PasswordHasher(config.argon2, config.login, argon2);
  const users = new UserStore(redis, audit, hasher);
  const login = new LoginService({ redis, users, sessions, hasher, audit, metrics, logger, config, clock });
  const upstream = new Upstream({ url: config.upstream, timeoutMs: config.timeouts.upstreamMs });
  const applications = new ApplicationService(new ApplicationStore(redis), registry, tls.trustedCas, audit);
  // Expiry reminders and account notices: every instance tries, the store lease lets one send.
  const notifier = new Notifier({ redis, audit, registry, users, config: config.notify, logger, metrics });
  const revocation = setupRevocation({
    config,
    logger,
    cas: tls.trustedCas,
    registry: metrics.registry,
    role: options.revocationRole ?? 'single',
    // Read at scrape time, when `reloader` (below) exists.
    material: () => reloader.summary(),
    ...(options.learnCrlUrls ? { learnCrlUrls: options.learnCrlUrls } : {}),
  });
  const deps: GatewayDeps = { config, logger, redis, maintenance, registrations, feed, metrics, audit, sessions, users, login, upstream, registry, applications, trustedCas: tls.trustedCas, revocation: revocation.revocation, clock };

  const app = createGatewayApp(deps);
  const callback = app.callback();
  const server = createHttpsServer(
    {
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      // Ask for a certificate but let the gate render a friendly page when it is missing or bad.
      requestCert: true,
      rejectUnauthorized: false,
      // TLS ≥ 1.2, ECDHE + AEAD only, server's order (README "TLS").
      ...SERVER_TLS_POLICY,
      handshakeTimeout: config.timeouts.handshakeMs,
      ticketKeys: options.ticketKeys ?? newTicketKeys(),
      // Tickets and session ids live as long as the session-id cache keeps a session (seconds).
      sessionTimeout: SESSION_CACHE_DEFAULTS.ttlMs / 1000,
      // Node enforces headersTimeout/requestTimeout on this interval (30 s by default), so a client
      // trickling its headers would keep the socket far past CERTGATE_HEADERS_TIMEOUT.
      connectionsCheckingInterval: checkingInterval(config.timeouts.headersMs, config.timeouts.requestMs),
    },
    proxiedFastPath(deps, callback),
  );
  // TLS 1.2 clients without tickets resume by session id: node:tls needs the cache supplied.
  attachSessionCache(server, new TlsSessionCache());
  // CONNECT never reaches the request handler: answer it with the same clean 405 page, then close.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    res.shouldKeepAlive = false;
    res.once('finish', () => socket.end());
    void callback(req, res);
  });
  const stopRotation = options.ticketKeys ? () => undefined : rotateTicketKeys(config.tls.ticketRotationMs, (k) => server.setTicketKeys(k));
  server.headersTimeout = config.timeouts.headersMs;
  server.requestTimeout = config.timeouts.requestMs;
  server.keepAliveTimeout = config.timeouts.keepAliveMs;
  server.on('secureConnection', (socket: TLSSocket) => {
    // The per-socket certificate cache relies on the certificate never changing mid-connection.
    socket.disableRenegotiation();
  });
  const reloader = new MaterialReloader({
    config,
    logger,
    revocation: revocation.revocation,
    initial: tls,
    server,
    onTrustedCas: (cas) => (deps.trustedCas = cas),
    counter: revocation.metrics.tlsReloads,
  });
  server.on('tlsClientError', (err: Error) => logger.debug({ err: { message: err.message } }, 'TLS handshake failed'));

  let shuttingDown = false;
  let stopWatching = (): void => undefined;
  const ops = createOpsServer({
    registry: metrics.registry,
    metricsToken: config.metricsToken,
    isShuttingDown: () => shuttingDown,
    checks: {
      store: storeCheck(redis),
      localCopy: localCopyCheck(feed),
      upstream: tcpCheck(config.upstream),
      tls: tlsMaterialCheck({
        listening: () => (server.listening ? undefined : 'mTLS listener not listening'),
        summary: () => reloader.summary(),
        revocation,
        config,
      }),
      hasher: () => argon2.health(),
    },
  });

  const gateway: Gateway = {
    deps,
    argon2,
    server,
    ops,
    port: 0,
    opsPort: 0,
    revocation,
    reload: (parts) => reloader.reload(parts),
    async listen() {
      await revocation.start();
      // Workers are told by the primary, which watches for all of them.
      if (config.revocation.watchFiles && options.revocationRole !== 'worker') {
        stopWatching = watchMaterial(materialFiles(config), () => reloader.reload(), logger);
      }
      redis
        .connect()
        .then(() => warnAboutLegacyData(redis, logger))
        .catch((err: Error) => logger.warn({ err: { message: err.message } }, 'redis not reachable yet; retrying'));
      maintenance.start();
      feed?.start();
      await listenOn(server, config.listen.host, config.listen.port);
      gateway.port = (server.address() as AddressInfo).port;
      notifier.start();
      if (options.opsListener === false) return;
      await listenOn(ops, config.opsListen.host, config.opsListen.port);
      gateway.opsPort = (ops.address() as AddressInfo).port;
    },
    async close() {
      shuttingDown = true;
      stopWatching();
      revocation.stop();
      stopRotation();
      await drain(server, config.timeouts.shutdownGraceMs);
      await notifier.stop();
      await upstream.close().catch(() => undefined);
      await argon2.close();
      maintenance.stop();
      feed?.stop();
      await redis.quit().catch(() => undefined);
      // Also after QUIT: a Sentinel client's failover watcher only stops on disconnect().
      redis.disconnect();
      if (ops.listening) {
        await new Promise<void>((resolve) => ops.close(() => resolve()));
        ops.closeAllConnections();
      }
    },
  };
  return gateway;
}

/** Registrations still in the one-slot layout are invisible to the gateway until migrated. */
async function warnAboutLegacyData(redis: Store, logger: Logger): Promise<void> {
  const legacy = await redis.exists(keys.legacyRegistry).catch(() => 0);
  if (legacy === 1) logger.error('registrations in the old single-slot layout were found; run `certgate store migrate` (see README "Scaling")');
}

/** A tenth of the shorter timeout, between 50 ms and 1 s: a cut comes within ~10 % of the configured time. */
export function checkingInterval(headersMs: number, requestMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(Math.min(headersMs, requestMs) / 10)));
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
