// `certgate maintenance on|off|status`: maintenance mode for every gateway instance at once.
import type { Command } from 'commander';
import { MaintenanceStore } from '../../maintenance/maintenance-store.js';
import type { CliContext } from '../context.js';
import { isoOrNull, localDateTime } from '../format.js';

const store = async (ctx: CliContext) => new MaintenanceStore(await ctx.redis(), await ctx.audit());

export function register(program: Command, ctx: CliContext): void {
  const maintenance = program.command('maintenance').description('maintenance mode (every gateway answers with the maintenance page)');
  maintenance
    .command('on')
    .description('switch maintenance mode on')
    .option('--message <text>', 'shown on the maintenance page, e.g. the planned end time')
    .action(async (o: { message?: string }) => {
      await (await store(ctx)).on(o.message, ctx.by, ctx.now());
      ctx.print(`maintenance mode is on${o.message ? ` (message: ${o.message.trim()})` : ''}; every gateway now answers 503 with the maintenance page`);
    });
  maintenance
    .command('off')
    .description('switch maintenance mode off')
    .action(async () => {
      const { wasOn } = await (await store(ctx)).off(ctx.by);
      ctx.print(wasOn ? 'maintenance mode is off' : 'maintenance mode was not on');
    });
  maintenance
    .command('status')
    .description('whether maintenance mode is on')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { json?: boolean }) => {
      const s = await (await store(ctx)).status();
      if (o.json) return ctx.printJson({ on: s.on, message: s.message ?? null, since: isoOrNull(s.since) });
      if (!s.on) return ctx.print('maintenance mode is off');
      ctx.print(`maintenance mode is on${s.since ? ` since ${localDateTime(s.since, ctx.timeZone())}` : ''}${s.message ? ` (message: ${s.message})` : ''}`);
    });
}
