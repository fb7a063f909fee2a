// Where the CLI reads its environment and writes its output: process streams in production,
// string collectors in tests (run() is called in-process).
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Directory relative file arguments are resolved against (default process.cwd()). */
  cwd?: string;
  /** All of standard input (for --password-stdin). */
  readStdin?: () => Promise<string>;
  /** Ask on the terminal without echo; undefined when there is no terminal to ask on. */
  promptHidden?: (question: string) => Promise<string | undefined>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString('utf8');
}

/** A password typed on the terminal: raw mode, nothing echoed, Enter ends it, Ctrl-C aborts. */
function promptOnTty(question: string): Promise<string | undefined> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let answer = '';
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    const done = (value: string | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (text: string) => {
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return done(answer);
        if (ch === '\u0003' || ch === '\u0004') return done(undefined);
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    readStdin: () => readAll(process.stdin),
    promptHidden: promptOnTty,
  };
}

/** An io that records everything, for tests: `out()` / `err()` return what was written. */
export function memoryIo(env: NodeJS.ProcessEnv = {}, input: { stdin?: string; prompt?: string } = {}): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    readStdin: async () => input.stdin ?? '',
    // Without a scripted answer there is no terminal to ask on, as when stdin is not a TTY.
    ...(input.prompt === undefined
      ? {}
      : {
          promptHidden: async (question: string) => {
            err += question;
            return input.prompt;
          },
        }),
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    env,
    out: () => out,
    err: () => err,
  };
}
