// The argon2 child process: drops to nice 19 before any worker thread exists, then hashes for the parent over IPC.
import { setPriority } from 'node:os';
import { readdirSync } from 'node:fs';

// Linux threads inherit the nice value of the thread that creates them, so the libuv threadpool argon2
// uses (created lazily, by this thread) runs at 19 and yields the CPU to the gateway's event loop.
setPriority(19);
reniceExistingThreads();

// Node may already have started threads of its own (a loader thread, a threadpool used to read this
// module); renice them too so that no argon2 work can ever land on a thread still at the default priority.
function reniceExistingThreads(): void {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return; // not Linux: setPriority above is per process there
  }
  for (const tid of tids) {
    try {
      setPriority(Number(tid), 19);
    } catch {
      // The thread may have exited between the listing and the call.
    }
  }
}

interface Request {
  id: number;
  op: 'hash' | 'verify' | 'ping';
  password: string;
  params?: { memoryCost: number; timeCost: number; parallelism: number };
  hash?: string;
}

// Imported only now: argon2 must not be loaded (let alone run) before the priority is lowered.
const engine = import('./argon2-engine.js').then((m) => new m.InProcessArgon2Engine());

process.on('message', (msg: Request) => {
  void answer(msg);
});
// The parent closed the channel or died: nothing is left to answer for.
process.on('disconnect', () => process.exit(0));

async function answer(msg: Request): Promise<void> {
  // Readiness probe: answered by the event loop, so a stopped or wedged process is told apart from a busy one.
  if (msg.op === 'ping') return void process.send?.({ id: msg.id, ok: true, value: true });
  try {
    const e = await engine;
    const value = msg.op === 'hash' ? await e.hash(msg.password, msg.params!) : await e.verify(msg.hash!, msg.password);
    process.send?.({ id: msg.id, ok: true, value });
  } catch (err) {
    process.send?.({ id: msg.id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
}
