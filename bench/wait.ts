// Bounded waits for the processes the bench starts: a port that accepts, an HTTP endpoint that says 200.
import { connect } from 'node:net';
import { httpGet } from './https-client.js';
import { sleep } from './stats.js';
import type { Tracked } from './procs.js';

function died(t: Tracked | undefined): Error | undefined {
  if (!t || (t.child.exitCode === null && t.child.signalCode === null)) return undefined;
  return new Error(`${t.name} exited (${t.child.exitCode ?? t.child.signalCode}) before it was ready:\n${t.tail()}`);
}

export async function waitForTcp(port: number, timeoutMs: number, t?: Tracked): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    const gone = died(t);
    if (gone) throw gone;
    if (Date.now() > deadline) throw new Error(`${t?.name ?? 'server'} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms\n${t?.tail() ?? ''}`);
    await sleep(100);
  }
}

export async function waitForHttp200(url: string, timeoutMs: number, t?: Tracked): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const r = await httpGet(url);
      if (r.status === 200) return;
      last = `${r.status} ${r.body.slice(0, 300)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    const gone = died(t);
    if (gone) throw gone;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})\n${t?.tail() ?? ''}`);
    await sleep(150);
  }
}
