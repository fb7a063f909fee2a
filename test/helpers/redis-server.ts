// A real, throwaway redis-server on a free loopback port for a test file (the same launcher
// `npm start` and the benchmark use), which a test may stop and start again on the same port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedisProcess, type RedisProcess } from '../../scripts/redis-process.js';

export { freePort };

export interface RedisServer {
  url: string;
  port: number;
  /** Stop the server (data kept in memory is lost). */
  stop(): Promise<void>;
  /** Start it again on the same port (after stop). */
  start(): Promise<void>;
  /** A plain client for assertions; closed by stop(). */
  client(): Redis;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'certgate-redis-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  let running: RedisProcess | undefined;
  const clients: Redis[] = [];
  const start = async () => {
    running = await startRedisProcess({ dir, port });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      for (const c of clients.splice(0)) c.disconnect();
      await running?.stop();
      running = undefined;
    },
    client: () => {
      const c = new Redis({ port, host: '127.0.0.1' });
      c.on('error', () => {});
      clients.push(c);
      return c;
    },
  };
}
