// `certgate request …`: the market operator reviews certificate applications (list, show, approve, reject).
import type { Command } from 'commander';
import { errors } from '../../errors/certgate-error.js';
import { APPLICATION_STATES, type Application, publicState } from '../../applications/application.js';
import { ApplicationService } from '../../applications/application-service.js';
import { ApplicationStore } from '../../applications/application-store.js';
import { displaySerial } from '../../tls/serial.js';
import type { CliContext } from '../context.js';
import { isoOrNull, localDate, localDateTime, table } from '../format.js';

async function service(ctx: CliContext): Promise<ApplicationService> {
  const redis = await ctx.redis();
  return new ApplicationService(new ApplicationStore(redis), await ctx.registry(), ctx.trustedCas(), await ctx.audit());
}

export function applicationJson(a: Application) {
  return {
    id: a.id,
    kind: a.kind,
    operator: a.operatorId,
    applicant: a.applicant,
    state: publicState(a),
    renewal: a.renewal === true,
    createdAt: new Date(a.createdAt).toISOString(),
    decidedAt: isoOrNull(a.decidedAt),
    decidedBy: a.decidedBy ?? null,
    reason: a.reason ?? null,
    certificates: a.certificates.map((c) => ({
      serial: c.serial,
      displaySerial: displaySerial(c.serial),
      issuerId: c.issuerId,
      notBefore: isoOrNull(c.notBefore),
      notAfter: isoOrNull(c.notAfter),
      subject: c.subject ?? null,
      label: c.label ?? null,
      origin: c.origin,
    })),
    history: a.history.map((e) => ({ at: new Date(e.at).toISOString(), action: e.action, actor: e.actor, reason: e.reason ?? null })),
  };
}

export function register(program: Command, ctx: CliContext): void {
  const request = program.command('request').description('certificate applications from operators (approve or reject as the market operator)');
  request
    .command('list')
    .description('applications, newest first')
    .option('--state <state>', `only this state: ${APPLICATION_STATES.join(', ')}`)
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { state?: string; json?: boolean }) => {
      if (o.state !== undefined && !(APPLICATION_STATES as readonly string[]).includes(o.state)) {
        throw errors.usage(`--state "${o.state}" is not a state; use one of: ${APPLICATION_STATES.join(', ')}`);
      }
      const all = await (await service(ctx)).store.listAll({ pendingOnly: o.state === 'pending' });
      const list = o.state ? all.filter((a) => publicState(a) === o.state) : all;
      if (o.json) return ctx.printJson(list.map(applicationJson));
      if (list.length === 0) return ctx.print(o.state ? `no ${o.state} applications` : 'no applications yet');
      const rows = list.map((a) => [a.id, a.operatorId, a.kind + (a.renewal ? ' (renewal)' : ''), publicState(a), String(a.certificates.length), a.applicant, localDateTime(a.createdAt)]);
      ctx.print(table(['ID', 'OPERATOR', 'KIND', 'STATE', 'CERTS', 'APPLICANT', 'SUBMITTED'], rows));
    });
  request
    .command('show <id>')
    .description('one application with its certificates and history')
    .option('--json', 'one JSON document on stdout')
    .action(async (id: string, o: { json?: boolean }) => {
      const a = await (await service(ctx)).require(id);
      if (o.json) return ctx.printJson(applicationJson(a));
      const head: Array<[string, string]> = [
        ['application', a.id],
        ['kind', a.kind + (a.renewal ? ' (renewal from the live connection)' : '')],
        ['operator', a.operatorId],
        ['applicant', a.applicant],
        ['state', publicState(a) + (a.reason ? ` (${a.reason})` : '')],
        ['submitted', localDateTime(a.createdAt)],
      ];
      if (a.decidedAt) head.push(['decided', `${localDateTime(a.decidedAt)} by ${a.decidedBy ?? '?'}`]);
      for (const [k, v] of head) ctx.print(`${`${k}:`.padEnd(14)}${v}`);
      ctx.print();
      ctx.print(table(['SERIAL', 'NOT BEFORE', 'NOT AFTER', 'SUBJECT / LABEL'], a.certificates.map((c) => [displaySerial(c.serial), localDate(c.notBefore), localDate(c.notAfter), c.subject ?? c.label ?? '-'])));
      ctx.print();
      ctx.print(table(['WHEN', 'WHAT', 'WHO', 'REASON'], a.history.map((e) => [localDateTime(e.at), e.action, e.actor, e.reason ?? ''])));
    });
  request
    .command('approve <id>')
    .description('approve: registers every certificate (all or none) or removes them and ends their sessions')
    .action(async (id: string) => {
      const { application: a, sessionsEnded } = await (await service(ctx)).approve(id, ctx.by, ctx.now());
      const n = a.certificates.length;
      ctx.print(a.kind === 'registration' ? `approved ${a.id}: registered ${n} certificate(s) for ${a.operatorId}` : `approved ${a.id}: removed ${n} certificate(s) of ${a.operatorId}, ${sessionsEnded} session(s) ended`);
    });
  request
    .command('reject <id>')
    .description('reject with a reason the applicant sees')
    .requiredOption('--reason <text>', 'why (shown to the applicant)')
    .action(async (id: string, o: { reason: string }) => {
      const a = await (await service(ctx)).reject(id, o.reason, ctx.by, ctx.now());
      ctx.print(`rejected ${a.id} (${a.operatorId}): ${a.reason ?? ''}`);
    });
}
