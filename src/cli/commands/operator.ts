// `certgate operator …`: business operators (事業者), the owners of users and certificates.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { localDate, table, zoneHeader } from '../format.js';

export function register(program: Command, ctx: CliContext): void {
  const operator = program.command('operator').description('business operators (事業者); users and certificates belong to one');
  operator
    .command('add <operatorId>')
    .description('create an operator (id: letters, digits, "_", "." or "-")')
    .requiredOption('--name <name>', 'display name, e.g. the company name')
    .action(async (id: string, o: { name: string }) => {
      const op = await (await ctx.registry()).operators.add(id, o.name, ctx.by);
      ctx.print(`created operator ${op.id} (${op.name})`);
    });
  operator
    .command('list')
    .description('all operators')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { json?: boolean }) => {
      const ops = await (await ctx.registry()).operators.list();
      if (o.json) return ctx.printJson(ops.map((op) => ({ id: op.id, name: op.name, createdAt: new Date(op.createdAt).toISOString() })));
      if (ops.length === 0) return ctx.print('no operators yet; create one with `certgate operator add <id> --name <name>`');
      ctx.print(table(['OPERATOR', 'NAME', zoneHeader('CREATED', ctx.timeZone())], ops.map((op) => [op.id, op.name, localDate(op.createdAt, ctx.timeZone())])));
    });
}
