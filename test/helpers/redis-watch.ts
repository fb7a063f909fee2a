// What a gateway sends to Redis, for the store-cost tests: MONITOR lines read up to a marker command
// (an event, not a sleep for stragglers), and one connection's socket writes parsed back into commands.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Store } from '../../src/store/store.js';
import { keys } from '../../src/store/keys.js';

/** One command as sent: lower-case name, then its arguments. */
export type Command = string[];

export interface CommandWatch {
  /** Commands MONITOR showed so far that `keep` accepted. */
  readonly sent: Command[];
  /** Resolves once MONITOR has shown everything the server ran before this call; then stops watching. */
  stop(): Promise<void>;
}

/**
 * MONITOR through its own connection (made from `admin`). `stop()` runs an ECHO marker through `admin`:
 * Redis shows commands in the order it ran them, so once the marker is seen nothing earlier is missing.
 */
export async function watchCommands(admin: Redis, keep: (args: Command, source: string) => boolean, ceilingMs = 60_000): Promise<CommandWatch> {
  const monitor = await admin.monitor();
  const mark = `certgate-watch-${randomUUID()}`;
  const sent: Command[] = [];
  let marked: () => void = () => undefined;
  const seen = new Promise<void>((resolve) => (marked = resolve));
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const command = [String(args[0]).toLowerCase(), ...args.slice(1).map(String)];
    if (command[0] === 'echo' && command[1] === mark) return marked();
    if (keep(command, source)) sent.push(command);
  });
  return {
    sent,
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      try {
        await admin.echo(mark);
        await Promise.race([
          seen,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`MONITOR did not show the marker within ${ceilingMs} ms`)), ceilingMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        monitor.disconnect();
      }
    },
  };
}

export interface WriteWatch {
  /** Every socket write since the watch began, each parsed into the commands it carried. */
  writes(): Command[][];
  /** Put the socket's own write back (idempotent). */
  stop(): void;
}

/** Records the socket writes of a standalone store client (ioredis `stream`), e.g. a gateway's. */
export function watchWrites(store: Store): WriteWatch {
  const socket = (store as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
  const write = socket.write;
  const raw: Buffer[] = [];
  socket.write = (...args: unknown[]) => {
    const chunk = args[0];
    raw.push(Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.from(String(chunk), 'utf8'));
    return write.apply(socket, args);
  };
  return {
    writes: () => raw.map(parseCommands),
    stop: () => {
      socket.write = write;
    },
  };
}

/** RESP arrays of bulk strings, as clients send commands; anything else shows up as one odd command. */
export function parseCommands(data: Buffer): Command[] {
  const commands: Command[] = [];
  let at = 0;
  const line = (): string => {
    const end = data.indexOf('\r\n', at);
    if (end < 0) throw new Error('truncated');
    const text = data.toString('utf8', at, end);
    at = end + 2;
    return text;
  };
  try {
    while (at < data.length) {
      const head = line();
      if (!head.startsWith('*')) throw new Error(`not an array: ${head}`);
      const command: Command = [];
      for (let n = Number(head.slice(1)); n > 0; n--) {
        const len = line();
        if (!len.startsWith('$')) throw new Error(`not a bulk string: ${len}`);
        const size = Number(len.slice(1));
        command.push(data.toString('utf8', at, at + size));
        at += size + 2;
      }
      command[0] = command[0]?.toLowerCase() ?? '';
      commands.push(command);
    }
  } catch (err) {
    commands.push(['<unparsed>', (err as Error).message, data.toString('utf8')]);
  }
  return commands;
}

/**
 * Commands a gateway process sends on its own timers, whatever its requests do: the maintenance
 * copy's refresh (HMGET of the flag) and the tracking links' heartbeats (ROLE, PING) behind the local
 * copies. Cost tests leave them out and count everything else.
 */
export function perProcess(c: Command): boolean {
  return (c[0] === 'hmget' && c[1] === keys.maintenance) || c[0] === 'role' || c[0] === 'ping';
}
