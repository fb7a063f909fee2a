// `certgate portal`: the minimal portal backend that sits behind the gateway.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('portal')
    .description('run the minimal portal backend (put it behind the gateway; needs CERTGATE_ASSERTION_KEY or the same CERTGATE_SECRET)')
    .action(async () => {
      // Loaded on demand: administration commands must not pay for (or depend on) the portal's modules.
      const { runPortal } = await import('../../portal/serve.js');
      await runPortal(ctx.env);
    });
}
