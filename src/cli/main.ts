// certgate CLI entry: builds the program from the command modules and runs it in-process
// (`run` is what tests call; bin/certgate.js calls it with process.argv).
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../config/paths.js';
import { createContext, type CliContext } from './context.js';
import { type CliIo, processIo } from './io.js';
import { EXIT_OK, createProgram, reportError, tagCommandErrors } from './program.js';
import * as assertionKeyCommand from './commands/assertion-key.js';
import * as auditCommands from './commands/audit.js';
import * as operatorCommands from './commands/operator.js';
import * as portalCommand from './commands/portal.js';
import * as serialCommands from './commands/serial.js';
import * as serveCommand from './commands/serve.js';
import * as userCommands from './commands/user.js';
import * as sessionCommands from './commands/session.js';
import * as maintenanceCommands from './commands/maintenance.js';
import * as storeCommands from './commands/store.js';
import * as requestCommands from './commands/request.js';
import * as notifyCommands from './commands/notify.js';
import type { Command } from 'commander';

export type { CliIo } from './io.js';
export type { CliContext } from './context.js';

/** A command module: adds its commands to the program. */
export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

/**
 * Every command module, in help order. To add one: create src/cli/commands/<name>.ts exporting
 * `register(program, ctx)`, import it above and list it here.
 */
const MODULES: CommandModule[] = [
  serveCommand,
  portalCommand,
  operatorCommands,
  serialCommands,
  userCommands,
  sessionCommands,
  maintenanceCommands,
  requestCommands,
  notifyCommands,
  auditCommands,
  storeCommands,
  assertionKeyCommand,
];

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const ctx = createContext(io);
  const program = createProgram(ctx, packageVersion());
  for (const m of MODULES) m.register(program, ctx);
  tagCommandErrors(program);
  try {
    if (argv.length === 0) {
      io.stderr('certgate: no command given; run `certgate --help` to see the commands\n');
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    return reportError(ctx, err);
  } finally {
    await ctx.close();
  }
}

function isEntryModule(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryModule()) {
  process.exitCode = await run(process.argv.slice(2));
}
