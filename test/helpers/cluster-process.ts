// `certgate serve` as operators run it (the compiled CLI as a child process, e.g. with
// CERTGATE_WORKERS=2) for the gateway cluster tests: spawn, wait for /readyz, read its output, stop.
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Test } from 'tap';
import { freePort } from './redis-server.js';
import { TEST_SECRET } from './stack.js';

const bin = join(import.meta.dirname, '../../bin/certgate.js');

/** The tap `skip` option for tests that run the compiled CLI. */
export const needsBuild: false | string = existsSync(join(import.meta.dirname, '../../dist/src/cli/main.js')) ? false : 'needs the build (npm run build)';

/** How long a test waits for a state it expects (workers listening, a reload applied): a ceiling, not a speed check. */
export const READY_CEILING_MS = 60_000;

export interface ServeOptions {
  redisUrl: string;
  upstreamUrl: string;
  /** CA file trusted for client certificates. */
  clientCa: string;
  cert: string;
  key: string;
  /** More environment (CERTGATE_WORKERS, CERTGATE_TLS_TICKET_ROTATION, CRL settings…). */
  env?: Record<string, string>;
}

export interface ServeProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  port: number;
  opsPort: number;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Its exit code once it has exited. */
  exited: Promise<number | null>;
  /** GET /readyz on the ops listener: status and body, or undefined while nothing listens. */
  readyz(): Promise<{ status: number; body: unknown } | undefined>;
  /** The worker processes' pids (children of the primary). */
  workerPids(): number[];
}

/** Starts `certgate serve` on free loopback ports; killed (SIGKILL) at the end of the test if still running. */
export async function startServe(t: Test, options: ServeOptions): Promise<ServeProcess> {
  const port = await freePort();
  const opsPort = await freePort();
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: options.redisUrl,
      CERTGATE_LISTEN: `127.0.0.1:${port}`,
      CERTGATE_OPS_LISTEN: `127.0.0.1:${opsPort}`,
      CERTGATE_TLS_CERT: options.cert,
      CERTGATE_TLS_KEY: options.key,
      CERTGATE_CLIENT_CA: options.clientCa,
      CERTGATE_UPSTREAM: options.upstreamUrl,
      CERTGATE_SECRET: TEST_SECRET,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    port,
    opsPort,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    readyz: () =>
      fetch(`http://127.0.0.1:${opsPort}/readyz`).then(
        async (r) => ({ status: r.status, body: (await r.json()) as unknown }),
        () => undefined,
      ),
    workerPids: () => {
      try {
        return execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)]).toString().trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return []; // ps exits 1 when there is none
      }
    },
  };
}

/**
 * Polls `probe` until it returns a value (not undefined), at most `ceilingMs`; undefined after that.
 * For states that come from real timers and processes (workers starting, keys rotating).
 */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, ceilingMs = READY_CEILING_MS, everyMs = 50): Promise<T | undefined> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Until /readyz answers 200 (both workers listening); its body, or undefined past the ceiling. */
export async function readyServe(serve: ServeProcess, ceilingMs = READY_CEILING_MS): Promise<unknown> {
  return eventually(async () => {
    const r = await serve.readyz();
    return r?.status === 200 ? r.body : undefined;
  }, ceilingMs);
}
