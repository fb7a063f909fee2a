// The commander program: one-line errors, exit codes (0 ok, 1 runtime failure, 2 usage error),
// and the shared conventions command modules follow (--json on lists, errors thrown, not printed).
import { Command, CommanderError } from 'commander';
import { type CertgateError, isCertgateError } from '../errors/certgate-error.js';
import { type CliContext, DEFAULT_REDIS_URL, safeRedisUrl } from './context.js';
import { escapeControl } from './safe-text.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Error codes that mean "the command line itself is wrong" → exit 2. Everything else is 1. */
const USAGE_CODES = new Set(['USAGE', 'SERIAL_INVALID']);

export function createProgram(ctx: CliContext, version: string): Command {
  const program = new Command('certgate')
    .description('certgate: mutual-TLS authentication gateway — administration CLI')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      // Help shown because of an error (e.g. a missing subcommand) is replaced by one line in run().
      writeErr: () => {},
      outputError: () => {},
    });
  program.addHelpText(
    'after',
    '\nExit status: 0 success; 1 runtime failure (store unreachable, not found, already exists, bad data in\n' +
      'an input file, untrusted certificate); 2 usage error (unknown option or command, missing argument,\n' +
      'malformed serial, date or number). Errors are one line on stderr: "certgate: <problem>; <fix>".\n' +
      'Store: REDIS_URL (default redis://127.0.0.1:6379). Trusted client CAs: CERTGATE_CLIENT_CA.',
  );
  program.exitOverride();
  return program;
}

/** After all modules registered: tag every command's errors with the command, for the help hint. */
export function tagCommandErrors(root: Command): void {
  const visit = (cmd: Command) => {
    cmd.exitOverride((err) => {
      throw Object.assign(err, { command: cmd });
    });
    for (const sub of cmd.commands) visit(sub);
  };
  visit(root);
}

const commandPath = (cmd: Command | undefined): string => {
  const names: string[] = [];
  for (let c: Command | null | undefined = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ') || 'certgate';
};

/** Multi-line messages (config lists, commander suggestions) folded into one line. */
export function oneLine(text: string): string {
  let out = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/^-\s+/, '');
    if (!line) continue;
    if (!out) out = line;
    else if (line.startsWith('(')) out += ` ${line.replace(/^\(Did/, '(did')}`;
    else out += out.endsWith(':') ? ` ${line}` : `; ${line}`;
  }
  return out;
}

/** Map anything thrown by a command to an exit code and one stderr line. */
export function reportError(ctx: CliContext, err: unknown): number {
  // Messages echo arguments and stored data: one line, control characters escaped.
  const io = { stderr: (line: string) => ctx.io.stderr(`${escapeControl(line.replace(/\n$/, ''), { singleLine: true })}\n`) };
  return report({ ...ctx, io: { ...ctx.io, ...io } }, err);
}

function report(ctx: CliContext, err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
    const path = commandPath((err as CommanderError & { command?: Command }).command);
    if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') {
      ctx.io.stderr(`certgate: ${path} needs a subcommand; run \`${path} --help\` to see them\n`);
      return EXIT_USAGE;
    }
    const what = oneLine(err.message.replace(/^error:\s*/, ''));
    ctx.io.stderr(`certgate: ${what}; run \`${path} --help\` for usage\n`);
    return EXIT_USAGE;
  }
  if (isCertgateError(err)) {
    ctx.io.stderr(`certgate: ${describe(ctx, err)}\n`);
    return USAGE_CODES.has(err.code) ? EXIT_USAGE : EXIT_FAILURE;
  }
  const message = err instanceof Error ? err.message : String(err);
  ctx.io.stderr(`certgate: unexpected error: ${oneLine(message)}; please report it with the command you ran\n`);
  return EXIT_FAILURE;
}

function describe(ctx: CliContext, err: CertgateError): string {
  if (err.code === 'STORE_UNAVAILABLE') {
    const url = safeRedisUrl(ctx.env.REDIS_URL || DEFAULT_REDIS_URL);
    return `the store at ${url} did not answer (REDIS_URL); start redis-server or set REDIS_URL to the right address`;
  }
  return oneLine(err.message);
}
