// `certgate serve`: the gateway in the foreground (configuration from the environment).
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the gateway (mTLS listener + ops listener); configuration from the environment')
    .action(async () => {
      // Loaded on demand: administration commands must not pay for (or depend on) the gateway's modules.
      const { serveGateway } = await import('../../gateway/serve.js');
      await serveGateway(ctx.env);
    });
}
