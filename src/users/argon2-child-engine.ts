// Argon2 in a low-priority child process, so a login storm cannot take CPU from the event loop that proxies.
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

export class Argon2ChildEngine implements Argon2Engine {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

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

  private call(request: Record<string, unknown>): Promise<unknown> {
    if (this.closed) return Promise.reject(errors.overloaded());
    const child = this.child ?? this.spawn();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.updateRef(child);
      child.send({ id, ...request }, (err) => {
        if (!err) return;
        // The channel is gone: the child is exiting and its 'exit' handler settles everything else.
        if (this.settle(id)) reject(errors.overloaded());
      });
    });
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
