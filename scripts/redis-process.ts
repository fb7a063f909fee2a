// A private redis-server for `npm start` and `npm run bench`: loopback only, data in a given folder,
// stopped with its parent.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** SIGKILL (a crash, for failover tests); resolves once the process is gone. */
  kill(): Promise<void>;
}

export function freePort(preferred = 0): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => (preferred ? freePort(0).then(resolve) : resolve(0)));
    srv.listen(preferred, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : preferred;
      srv.close(() => resolve(port));
    });
  });
}

export interface RedisProcessOptions {
  dir: string;
  preferredPort?: number;
  port?: number;
  persist?: boolean;
  /** More server options, e.g. ['--replicaof', '127.0.0.1', '6379'] or ['--cluster-enabled', 'yes']. */
  extraArgs?: string[];
  /** Run as a sentinel from this config file (written by the caller; sentinel rewrites it). */
  sentinelConfig?: string;
}

export async function startRedisProcess(opts: RedisProcessOptions): Promise<RedisProcess> {
  mkdirSync(opts.dir, { recursive: true });
  // `port`: exactly this one (a restart in a test); `preferredPort`: this one if free, else any.
  const port = opts.port ?? (await freePort(opts.preferredPort ?? 0));
  const args = opts.sentinelConfig
    ? [opts.sentinelConfig, '--sentinel', '--port', String(port), '--bind', '127.0.0.1', '--dir', opts.dir]
    : ['--port', String(port), '--bind', '127.0.0.1', '--dir', opts.dir, '--protected-mode', 'yes'];
  if (!opts.sentinelConfig) args.push(...(opts.persist ? ['--appendonly', 'yes', '--save', '60 1'] : ['--appendonly', 'no', '--save', '']));
  args.push(...(opts.extraArgs ?? []));
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  // Never outlive the process that started it, however that process ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`cannot start redis-server (install it: apt-get install redis-server): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}`)));
  });
  failed.catch(() => undefined);
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await Promise.race([probe.connect().then(() => probe.ping()), failed]);
      probe.disconnect();
      break;
    } catch (err) {
      probe.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const gone = () => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    url,
    port,
    kill: async () => {
      child.kill('SIGKILL');
      await gone();
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await gone();
    },
  };
}
