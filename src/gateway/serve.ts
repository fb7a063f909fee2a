// `certgate serve`: one gateway process in the foreground, stopped cleanly by SIGTERM/SIGINT.
import { loadConfig } from '../config/config.js';
import { createLogger, stdoutDestination } from '../log/logger.js';
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { createGateway } from './create.js';
import { runPrimary, runWorker } from './cluster.js';
import { loadTlsMaterial } from './tls-material.js';

/** Workers to run: CERTGATE_WORKERS, else every CPU in production and one process otherwise. */
export function workerCount(configured: number | undefined, env: NodeJS.ProcessEnv): number {
  if (configured !== undefined && configured > 0) return configured;
  return env.NODE_ENV === 'production' ? availableParallelism() : 1;
}

export async function serveGateway(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel }, stdoutDestination());
  if (config.secretGenerated) {
    logger.warn('CERTGATE_SECRET is not set: using a random development secret (sessions end at restart; the portal needs the same secret)');
  }
  if (env.CERTGATE_CLUSTER_WORKER === '1' && cluster.isWorker) return runWorker(config, logger);
  const workers = workerCount(config.workers, env);
  if (workers > 1) {
    // Fail in the primary, with one clear message, rather than in every worker.
    loadTlsMaterial(config);
    return runPrimary(config, logger, workers);
  }
  const gateway = await createGateway(config, { logger });
  await gateway.listen();
  logger.info(
    { listen: `${config.listen.host}:${gateway.port}`, ops: `${config.opsListen.host}:${gateway.opsPort}`, upstream: config.upstream.origin, timeZone: config.timeZone },
    'certgate gateway listening',
  );
  // SIGHUP (systemd ExecReload): new server certificate, client CAs and CRLs without a restart.
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading TLS material and CRLs');
    gateway.reload();
    void gateway.revocation.fetcher?.refreshAll();
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    gateway.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
