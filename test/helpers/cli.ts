// Runs the certgate CLI in-process (src/cli/main.ts `run`) with captured output, for CLI tests.
import { run } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as one JSON document (fails the test with the raw text if it is not). */
  json<T = unknown>(): T;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> {
  const io = memoryIo(env);
  if (cwd) io.cwd = cwd;
  const code = await run(args, io);
  const out = io.out();
  return {
    code,
    out,
    err: io.err(),
    json: <T>() => {
      try {
        return JSON.parse(out) as T;
      } catch {
        throw new Error(`stdout is not one JSON document:\n${out}`);
      }
    },
  };
}

/** A runner bound to one environment: `const cli = cliFor(env); await cli('serial', 'list')`. */
export const cliFor =
  (env: NodeJS.ProcessEnv, cwd?: string) =>
  (...args: string[]): Promise<CliResult> =>
    runCli(args, env, cwd);
