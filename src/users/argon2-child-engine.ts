// Argon2 in a low-priority child process, so a login storm cannot take CPU from the event loop that
// proxies. Every call has a deadline: a child that does not answer in time (hung, stopped) is
// killed and replaced, its waiting logins get 503, and health() reports it until a child answers again.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { errors } from '../errors/certgate-error.js';
import type { Argon2Engine, Argon2Params } from './argon2-engine.js';

// Same extension as this file: argon2-child.js from dist/, argon2-child.ts under tap's TS loader.
const CHILD_PATH = fileURLToPath(new URL(`./argon2-child${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url));

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Reply = { id: number; ok: true; value: string | boolean } | { id: number; ok: false; message: string };

// One 'exit' listener for all engines: a parent that exits without close() must not leave children behind.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

export interface Argon2ChildOptions {
  /** Longest one hash/verify may take in the child (CERTGATE_ARGON2_TIMEOUT); default 10 s. */
  deadlineMs?: number;
  /** Called when a child is killed for missing its deadline (for the log). */
  onHung?: (info: { pid: number | undefined; deadlineMs: number }) => void;
}

/** Extra time a freshly forked child gets for its first answer (loading Node and argon2 on a busy host). */
const STARTUP_GRACE_MS = 10_000;

export class Argon2ChildEngine implements Argon2Engine {
  /** Children that have answered at least once (past their start-up). */
  private readonly started = new WeakSet<ChildProcess>();
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;
  private readonly deadlineMs: number;
  /** Set when a child missed its deadline; cleared by the next answer from a child. */
  private unhealthy: string | undefined;

  constructor(private readonly options: Argon2ChildOptions = {}) {
    this.deadlineMs = options.deadlineMs ?? 10_000;
  }

  /**
   * Readiness of the hasher: a child that exists must answer a ping within the deadline (a
   * stopped child does not, and is replaced); after a replacement, unhealthy until a child answers.
   */
  async health(): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.child && !this.closed) {
      try {
        await this.call({ op: 'ping' }, Math.min(this.deadlineMs, 2000));
      } catch {
        // call() has replaced the child and recorded why.
      }
    }
    return this.unhealthy ? { ok: false, error: this.unhealthy } : { ok: true };
  }

  /** The running child's pid (undefined before first use, after a crash and after close); for tests. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  hash(password: string, params: Argon2Params): Promise<string> {
    return this.call({ op: 'hash', password, params }) as Promise<string>;
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.call({ op: 'verify', hash, password }) as Promise<boolean>;
  }

  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Disconnecting lets the child exit by itself (so coverage/at-exit work runs); the kill is the backstop.
    if (child.connected) child.disconnect();
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.ref();
    await exited;
    clearTimeout(kill);
  }

  private call(request: Record<string, unknown>, deadlineMs = this.deadlineMs): Promise<unknown> {
    if (this.closed) return Promise.reject(errors.overloaded());
    const child = this.child ?? this.spawn();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          if (this.pending.has(id)) this.hung(child, deadlineMs);
        },
        deadlineMs + (this.started.has(child) ? 0 : STARTUP_GRACE_MS),
      );
      timer.unref();
      const done = (fn: (v: unknown) => void) => (v: unknown) => {
        clearTimeout(timer);
        fn(v);
      };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject) });
      this.updateRef(child);
      child.send({ id, ...request }, (err) => {
        if (!err) return;
        // The channel is gone: the child is exiting and its 'exit' handler settles everything else.
        this.settle(id)?.reject(errors.overloaded());
      });
    });
  }

  /** The child missed a deadline: kill it (SIGKILL works on a stopped process too), fail its work, start another. */
  private hung(child: ChildProcess, deadlineMs: number): void {
    if (this.child !== child) return;
    this.unhealthy = `argon2 child ${child.pid ?? '?'} did not answer within ${deadlineMs} ms; it was killed and replaced`;
    this.options.onHung?.({ pid: child.pid, deadlineMs });
    child.kill('SIGKILL');
    this.lost(child);
    if (!this.closed) this.updateRef(this.spawn());
  }

  private spawn(): ChildProcess {
    const child = fork(CHILD_PATH, [], {
      // The TS loader under tap (or source maps from dist/) must come along; a debugger port must not.
      execArgv: process.execArgv.filter((a) => !a.startsWith('--inspect')),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    track(child);
    child.on('message', (reply: Reply) => {
      this.started.add(child);
      if (this.child === child) this.unhealthy = undefined;
      const p = this.settle(reply.id);
      if (!p) return;
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new Error(`argon2: ${reply.message}`));
      this.updateRef(child);
    });
    child.on('error', () => {
      // Spawn or IPC failure: treat like a crash; 'exit' follows (or never came) — kill makes sure.
      child.kill('SIGKILL');
      this.lost(child);
    });
    child.on('exit', () => this.lost(child));
    return child;
  }

  /** The child is gone: everything in flight gets a retryable 503, and the next call forks a new one. */
  private lost(child: ChildProcess): void {
    live.delete(child);
    if (this.child !== child) return;
    this.child = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(errors.overloaded());
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }

  // An idle child must not keep the gateway (or a test) alive; one with work in flight must.
  private updateRef(child: ChildProcess): void {
    if (this.pending.size > 0) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }
}
