// `certgate operator …`: business operators (事業者), the owners of users and certificates.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { localDate, table, zoneHeader } from '../format.js';
import { validateEmails } from '../../registry/operators.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command, ctx: CliContext): void {
  const operator = program.command('operator').description('business operators (事業者); users and certificates belong to one');
  operator
    .command('add <operatorId>')
    .description('create an operator (id: letters, digits, "_", "." or "-")')
    .requiredOption('--name <name>', 'display name, e.g. the company name')
    .option('--email <addr>', 'contact address for certificate-expiry notices, repeatable', collect)
    .action(async (id: string, o: { name: string; email?: string[] }) => {
      const emails = validateEmails(o.email ?? []);
      const op = await (await ctx.registry()).operators.add(id, o.name, ctx.by, emails);
      ctx.print(`created operator ${op.id} (${op.name})${op.emails.length > 0 ? `, contacts ${op.emails.join(', ')}` : ''}`);
    });
  operator
    .command('set-email <operatorId> <addr...>')
    .description('replace the operator\'s contact addresses (certificate-expiry notices)')
    .action(async (id: string, addrs: string[]) => {
      const emails = validateEmails(addrs);
      const op = await (await ctx.registry()).operators.setEmails(id, emails, ctx.by);
      ctx.print(`operator ${op.id} contacts: ${op.emails.join(', ')}`);
    });
  operator
    .command('list')
    .description('all operators')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { json?: boolean }) => {
      const ops = await (await ctx.registry()).operators.list();
      if (o.json) return ctx.printJson(ops.map((op) => ({ id: op.id, name: op.name, emails: op.emails, createdAt: new Date(op.createdAt).toISOString() })));
      if (ops.length === 0) return ctx.print('no operators yet; create one with `certgate operator add <id> --name <name>`');
      // The contacts column appears once some operator has one (the table stays narrow until then).
      if (!ops.some((op) => op.emails.length > 0)) return ctx.print(table(['OPERATOR', 'NAME', zoneHeader('CREATED', ctx.timeZone())], ops.map((op) => [op.id, op.name, localDate(op.createdAt, ctx.timeZone())])));
      ctx.print(table(['OPERATOR', 'NAME', zoneHeader('CREATED', ctx.timeZone()), 'CONTACTS'], ops.map((op) => [op.id, op.name, localDate(op.createdAt, ctx.timeZone()), op.emails.join(', ') || '-'])));
    });
}
