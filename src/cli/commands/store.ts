// `certgate store …`: the store itself — which topology REDIS_URL names, and moving data written by
// older versions into the current key layout.
import type { Command } from 'commander';
import { migrateLegacyLayout } from '../../registry/legacy-migration.js';
import { maskRedisUrl, parseRedisUrl } from '../../store/redis-url.js';
import { primaryAddresses } from '../../store/store.js';
import { DEFAULT_REDIS_URL, type CliContext } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  const store = program.command('store').description('the Redis store: topology and data layout');
  store
    .command('migrate')
    .description('move registrations from the old single-slot layout to one key per certificate (safe to repeat)')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { json?: boolean }) => {
      const result = await migrateLegacyLayout(await ctx.redis(), await ctx.audit(), ctx.by);
      if (o.json) return ctx.printJson(result);
      if (result.moved + result.kept === 0 && !result.userIndexRemoved) return ctx.print('nothing to migrate: the store already uses the current layout');
      ctx.print(
        `migrated ${result.moved} registration(s) to per-certificate keys` +
          (result.kept > 0 ? `; ${result.kept} already had a newer per-certificate entry, which was kept` : '') +
          (result.userIndexRemoved ? '; removed the old user index' : ''),
      );
    });
  store
    .command('status')
    .description('topology and primaries the CLI reaches through REDIS_URL')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { json?: boolean }) => {
      const url = ctx.env.REDIS_URL || DEFAULT_REDIS_URL;
      const target = parseRedisUrl(url);
      const nodes = primaryAddresses(await ctx.redis());
      const doc = { url: maskRedisUrl(url), topology: target.topology, tls: target.tls, primaries: nodes };
      if (o.json) return ctx.printJson(doc);
      ctx.print(`${doc.topology}${doc.tls ? ' (TLS)' : ''} at ${doc.url}; primaries: ${nodes.join(', ')}`);
    });
}
