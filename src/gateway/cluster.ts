// `CERTGATE_WORKERS` > 1: a primary forks gateway workers that share the mTLS port and one set of
// TLS session-ticket keys (so a ticket issued by one worker resumes on another), and serves the
// ops listener itself with metrics aggregated from every worker.
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { createRedis } from '../store/redis.js';
import { createOpsServer } from '../ops/ops-server.js';
import { storeCheck, tcpCheck } from '../ops/readiness.js';
import { createGateway } from './create.js';
import { decodeParts, primaryReload, sendCrlUrls, workerReload, type CrlMessage, type EncodedParts } from './cluster-reload.js';

interface InitMessage {
  type: 'certgate:init';
  ticketKeys: string;
  /** Only when the secret was generated (development): every worker must sign with the same one. */
  secret?: string;
  /** CRLs in force in the primary (fetched from CERTGATE_CRL_URL). */
  crls?: CrlMessage[];
  /** TLS material in force in the primary (checked there; a worker never reads files that failed a reload). */
  material?: EncodedParts;
}
/** Worker → primary: `hello` once it listens for its init message, `listening` once it serves. */
interface WorkerMessage {
  type: 'certgate:hello' | 'certgate:listening';
}

const isInit = (m: unknown): m is InitMessage => typeof m === 'object' && m !== null && (m as InitMessage).type === 'certgate:init';

export async function runPrimary(config: Config, logger: Logger, workers: number): Promise<void> {
  // 48 bytes: the key material node:tls expects for session tickets.
  const ticketKeys = randomBytes(48).toString('base64');
  const listening = new Set<number>();
  let shuttingDown = false;
  const material = primaryReload(config, logger, () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined));
  const fork = (): Worker => {
    const worker = cluster.fork({ CERTGATE_CLUSTER_WORKER: '1' });
    const init = (): InitMessage => ({
      type: 'certgate:init',
      ticketKeys,
      ...(config.secretGenerated ? { secret: config.secret.toString('base64') } : {}),
      crls: material.crlMessages(),
      material: material.parts(),
    });
    material.attach(worker);
    // Sent on request rather than on 'online': the worker's module graph may still be loading then.
    worker.on('message', (m: WorkerMessage) => {
      if (m?.type === 'certgate:hello') worker.send(init());
      if (m?.type === 'certgate:listening') listening.add(worker.id);
    });
    return worker;
  };
  let recentDeaths: number[] = [];
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (shuttingDown) return;
    const now = Date.now();
    recentDeaths = [...recentDeaths.filter((t) => now - t < 30_000), now];
    if (recentDeaths.length > workers * 3) {
      // A crash loop (bad material, port taken…) is not healed by forking faster.
      logger.fatal({ code, signal }, 'gateway workers keep dying; stopping');
      process.exit(1);
    }
    logger.error({ worker: worker.process.pid, code, signal }, 'gateway worker died; starting another');
    fork();
  });
  // CRLs first (bounded by CERTGATE_CRL_TIMEOUT), so workers start with them.
  await material.start();
  for (let i = 0; i < workers; i++) fork();
  process.on('SIGHUP', () => material.reload());

  const redis = createRedis(config.redisUrl, { connectionName: 'certgate-primary' });
  redis.on('error', () => undefined);
  redis.connect().catch(() => undefined);
  const aggregator = new AggregatorRegistry();
  const ops = createOpsServer({
    registry: {
      contentType: aggregator.contentType,
      // Workers' metrics summed, plus the primary's own (reloads and CRL fetches happen here).
      metrics: async () => `${await aggregator.clusterMetrics()}\n${await material.registry.metrics()}`,
    },
    isShuttingDown: () => shuttingDown,
    checks: {
      store: storeCheck(redis),
      upstream: tcpCheck(config.upstream),
      tls: material.tlsCheck(() => (listening.size === workers ? undefined : `${listening.size} of ${workers} workers listening`)),
    },
  });
  await new Promise<void>((resolve) => ops.listen(config.opsListen.port, config.opsListen.host, resolve));
  logger.info({ workers, listen: `${config.listen.host}:${config.listen.port}`, ops: `${config.opsListen.host}:${config.opsListen.port}` }, 'certgate primary started');

  const stop = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down workers');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    const done = () => {
      if (Object.keys(cluster.workers ?? {}).length > 0) return;
      material.stop();
      ops.close();
      redis.disconnect();
      process.exit(0);
    };
    cluster.on('exit', done);
    done();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export async function runWorker(config: Config, logger: Logger): Promise<void> {
  const init = await new Promise<InitMessage>((resolve) => {
    const onMessage = (m: unknown) => {
      if (!isInit(m)) return;
      process.off('message', onMessage);
      resolve(m);
    };
    process.on('message', onMessage);
    process.send?.({ type: 'certgate:hello' } satisfies WorkerMessage);
  });
  if (init.secret) config = { ...config, secret: Buffer.from(init.secret, 'base64') };
  // Messages that arrive while the gateway is built are applied once it exists.
  const early: unknown[] = [];
  const queue = (m: unknown) => early.push(m);
  process.on('message', queue);
  let gateway: Awaited<ReturnType<typeof createGateway>>;
  try {
    gateway = await createGateway(config, {
      logger,
      ticketKeys: Buffer.from(init.ticketKeys, 'base64'),
      opsListener: false,
      revocationRole: 'worker',
      learnCrlUrls: sendCrlUrls,
      ...(init.material ? { material: decodeParts(init.material) } : {}),
    });
    const onMessage = workerReload(gateway, logger);
    for (const m of init.crls ?? []) onMessage(m);
    process.off('message', queue);
    for (const m of early.splice(0)) onMessage(m);
    process.on('message', onMessage);
    AggregatorRegistry.setRegistries([gateway.deps.metrics.registry]);
    // Constructing one installs prom-client's worker-side listener that answers the primary.
    new AggregatorRegistry();
    await gateway.listen();
  } catch (err) {
    // The IPC channel would keep a failed worker alive: exit so the primary sees it.
    logger.fatal({ err: { message: (err as Error).message } }, 'gateway worker failed to start');
    process.exit(1);
  }
  process.send?.({ type: 'certgate:listening' } satisfies WorkerMessage);
  const stop = () => {
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  // Ctrl-C reaches every process of the group: the primary coordinates the shutdown.
  process.on('SIGINT', () => undefined);
  // A reload comes from the primary; a SIGHUP sent to the whole group must not end the worker.
  process.on('SIGHUP', () => undefined);
}
