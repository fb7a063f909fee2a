// `CERTGATE_WORKERS` > 1: a primary forks gateway workers that share the mTLS port and one set of
// TLS session-ticket keys (so a ticket issued by one worker resumes on another), and serves the
// ops listener itself with metrics aggregated from every worker.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { createStore } from '../store/redis.js';
import { createOpsServer } from '../ops/ops-server.js';
import { storeCheck, tcpCheck, type CheckResult } from '../ops/readiness.js';
import { createGateway } from './create.js';
import { newTicketKeys, rotateTicketKeys } from './ticket-keys.js';
import { deriveKeys } from '../config/derived-keys.js';
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

/** Primary → every worker after a rotation: the new session-ticket keys. */
interface TicketKeysMessage {
  type: 'certgate:ticket-keys';
  ticketKeys: string;
}

/** Primary → worker: report the argon2 child's health (readiness); worker → primary: the answer. */
interface HasherQuery {
  type: 'certgate:hasher?';
  id: number;
}
interface HasherReply {
  type: 'certgate:hasher';
  id: number;
  result: CheckResult;
}

const isInit = (m: unknown): m is InitMessage => typeof m === 'object' && m !== null && (m as InitMessage).type === 'certgate:init';
const isHasherQuery = (m: unknown): m is HasherQuery => typeof m === 'object' && m !== null && (m as HasherQuery).type === 'certgate:hasher?';
const isTicketKeys = (m: unknown): m is TicketKeysMessage => typeof m === 'object' && m !== null && (m as TicketKeysMessage).type === 'certgate:ticket-keys';

export async function runPrimary(config: Config, logger: Logger, workers: number): Promise<void> {
  // One set of ticket keys for all workers, rotated here and sent to each (new workers get the current one).
  let ticketKeys = newTicketKeys().toString('base64');
  rotateTicketKeys(config.tls.ticketRotationMs, (k) => {
    ticketKeys = k.toString('base64');
    const message: TicketKeysMessage = { type: 'certgate:ticket-keys', ticketKeys };
    for (const w of Object.values(cluster.workers ?? {})) if (w?.isConnected()) w.send(message);
  });
  const listening = new Set<number>();
  let shuttingDown = false;
  // TLS material and CRLs: checked and fetched here once, handed to every worker (SIGHUP: cluster-reload.ts).
  const material = primaryReload(config, logger, () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined));
  // One worker samples session and certificate counts for /metrics (the others report none).
  let samplerId: number | undefined;
  const fork = (): Worker => {
    const sampler = samplerId === undefined;
    const worker = cluster.fork({ CERTGATE_CLUSTER_WORKER: '1', CERTGATE_METRICS_SAMPLER: sampler ? '1' : '0' });
    if (sampler) samplerId = worker.id;
    const init = (): InitMessage => ({
      type: 'certgate:init',
      ticketKeys,
      ...(config.secretGenerated ? { secret: config.secret.toString('base64') } : {}),
      crls: material.crlMessages(),
      material: material.parts(),
    });
    material.attach(worker);
    // Sent on request rather than on 'online': the worker's module graph may still be loading then.
    worker.on('message', (m: WorkerMessage | HasherReply) => {
      if (m?.type === 'certgate:hello') worker.send(init());
      if (m?.type === 'certgate:listening') {
        listening.add(worker.id);
        // A rotation while the worker was starting did not reach it: send the current keys again.
        worker.send({ type: 'certgate:ticket-keys', ticketKeys } satisfies TicketKeysMessage);
      }
      if (m?.type === 'certgate:hasher') hasherReplies.get(m.id)?.(m.result);
    });
    return worker;
  };
  // Readiness of every worker's argon2 child, asked over IPC when /readyz is called.
  const hasherReplies = new Map<number, (r: CheckResult) => void>();
  let nextQuery = 0;
  const askHasher = (worker: Worker): Promise<CheckResult> =>
    new Promise((resolve) => {
      const id = ++nextQuery;
      const timer = setTimeout(() => finish({ ok: false, error: `worker ${worker.process.pid ?? '?'} did not report its hasher` }), 3000);
      const finish = (r: CheckResult) => {
        clearTimeout(timer);
        hasherReplies.delete(id);
        resolve(r);
      };
      hasherReplies.set(id, finish);
      worker.send({ type: 'certgate:hasher?', id } satisfies HasherQuery);
    });
  const hasherCheck = async (): Promise<CheckResult> => {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && listening.has(w.id) && w.isConnected());
    const failing = (await Promise.all(workers.map(askHasher))).filter((r): r is Extract<CheckResult, { ok: false }> => !r.ok);
    return failing.length === 0 ? { ok: true } : { ok: false, error: failing.map((r) => r.error).join('; ') };
  };
  let recentDeaths: number[] = [];
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (worker.id === samplerId) samplerId = undefined;
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

  const redis = createStore(config.redisUrl, { connectionName: 'certgate-primary' });
  redis.on('error', () => undefined);
  redis.connect().catch(() => undefined);
  const aggregator = new AggregatorRegistry();
  const ops = createOpsServer({
    registry: {
      contentType: aggregator.contentType,
      // Workers' metrics summed, plus the primary's own (reloads and CRL fetches happen here).
      metrics: async () => `${await aggregator.clusterMetrics()}\n${await material.registry.metrics()}`,
    },
    metricsToken: config.metricsToken,
    isShuttingDown: () => shuttingDown,
    checks: {
      store: storeCheck(redis),
      upstream: tcpCheck(config.upstream),
      tls: material.tlsCheck(() => (listening.size === workers ? undefined : `${listening.size} of ${workers} workers listening`)),
      hasher: hasherCheck,
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
  if (init.secret) {
    const secret = Buffer.from(init.secret, 'base64');
    config = { ...config, secret, keys: { ...deriveKeys(secret), ...(process.env.CERTGATE_ASSERTION_KEY ? { assertion: config.keys.assertion } : {}) } };
  }
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
      sampleMetrics: process.env.CERTGATE_METRICS_SAMPLER === '1',
      revocationRole: 'worker',
      learnCrlUrls: sendCrlUrls,
      ...(init.material ? { material: decodeParts(init.material) } : {}),
    });
    const onMaterial = workerReload(gateway, logger);
    for (const m of init.crls ?? []) onMaterial(m);
    process.off('message', queue);
    for (const m of early.splice(0)) onMaterial(m);
    process.on('message', onMaterial);
    AggregatorRegistry.setRegistries([gateway.deps.metrics.registry]);
    // Constructing one installs prom-client's worker-side listener that answers the primary.
    new AggregatorRegistry();
    await gateway.listen();
  } catch (err) {
    // The IPC channel would keep a failed worker alive: exit so the primary sees it.
    logger.fatal({ err: { message: (err as Error).message } }, 'gateway worker failed to start');
    process.exit(1);
  }
  process.on('message', (m: unknown) => {
    if (isTicketKeys(m)) gateway.server.setTicketKeys(Buffer.from(m.ticketKeys, 'base64'));
    if (isHasherQuery(m)) {
      void gateway.argon2.health().then((result) => process.send?.({ type: 'certgate:hasher', id: m.id, result } satisfies HasherReply));
    }
  });
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
