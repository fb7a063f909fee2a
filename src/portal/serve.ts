// Runs the portal backend (`certgate portal`): config from the environment, HTTP listener, graceful close.
import { createServer, type Server } from 'node:http';
import { loadConfig } from '../config/config.js';
import { demoContentDir } from '../config/paths.js';
import { errors } from '../errors/certgate-error.js';
import { createLogger, type Logger } from '../log/logger.js';
import { createPortalApp } from './app.js';

export interface RunningPortal {
  close(): Promise<void>;
  port: number;
}

const CLOSE_GRACE_MS = 5000;

export async function servePortal(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningPortal> {
  const config = loadConfig(env, { purpose: 'portal' });
  // The gateway's development secret is random per process, so a generated one here could never
  // verify its assertions: the portal needs the assertion key (or the same explicit secret).
  if (config.secretGenerated && !env.CERTGATE_ASSERTION_KEY) {
    throw errors.configInvalid(
      'invalid configuration:\n  - CERTGATE_SECRET must be set for `certgate portal`, to the same value the gateway uses ' +
        '(the gateway generates a random one per process in development, which the portal cannot know), ' +
        'or better CERTGATE_ASSERTION_KEY alone (print it with `certgate assertion-key` where CERTGATE_SECRET is set)',
    );
  }
  const log = logger ?? createLogger({ level: config.logLevel, name: 'certgate-portal' });
  const contentDir = config.portalContentDir ?? demoContentDir();
  const app = createPortalApp({ assertionKey: config.keys.assertion, assertionMaxAgeMs: config.assertion.maxAgeMs, contentDir, logger: log, certWarnDays: Number(config.certWarnDays), timeZone: config.timeZone, apiPrefix: config.api.prefix });
  const server: Server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000 }, app.callback());
  server.keepAliveTimeout = 65_000; // longer than the gateway pool's idle time, so it never reuses a closing socket

  const { host, port } = config.portalListen;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  log.info({ host, port: boundPort, contentDir }, 'portal listening');

  let closing: Promise<void> | undefined;
  return {
    port: boundPort,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          log.info('portal stopped');
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** For the CLI (`certgate portal`): serve until SIGTERM/SIGINT, then close gracefully. */
export async function runPortal(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const running = await servePortal(env);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void running.close().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
