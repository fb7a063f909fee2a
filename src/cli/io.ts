// Where the CLI reads its environment and writes its output: process streams in production,
// string collectors in tests (run() is called in-process).
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Directory relative file arguments are resolved against (default process.cwd()). */
  cwd?: string;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** An io that records everything, for tests: `out()` / `err()` return what was written. */
export function memoryIo(env: NodeJS.ProcessEnv = {}): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
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
