// `certgate audit list`: who changed what, from the CLI or the gateway.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { localDateTime, table } from '../format.js';
import { dateOrDaysAgoOption, integerOption } from '../parse.js';

export function register(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('the audit log of every change');
  audit
    .command('list')
    .description('newest entries, oldest first')
    .option('--since <YYYY-MM-DD|ISO time|Nd>', 'only entries from this time on (e.g. 7d = the last 7 days)')
    .option('--limit <n>', 'at most this many entries (default 100)')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { since?: string; limit?: string; json?: boolean }) => {
      const since = o.since === undefined ? undefined : new Date(dateOrDaysAgoOption(o.since, '--since', ctx.now(), ctx.timeZone()));
      const count = o.limit === undefined ? 100 : integerOption(o.limit, '--limit', 1, 1_000_000);
      const entries = await (await ctx.audit()).list({ ...(since ? { since } : {}), count });
      if (o.json) return ctx.printJson(entries);
      if (entries.length === 0) return ctx.print('no audit entries');
      const rows = entries.map((e) => [
        localDateTime(Date.parse(e.time), ctx.timeZone()),
        e.source,
        e.actor,
        e.action,
        e.target,
        Object.entries(e.detail)
          .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
          .join(' '),
      ]);
      ctx.print(table(['TIME', 'SOURCE', 'ACTOR', 'ACTION', 'TARGET', 'DETAIL'], rows));
    });
}
