// `certgate notify …`: one sending pass (for cron), what would be sent, and what was sent or failed.
import type { Command } from 'commander';
import { loadNotifyConfig, notifyEnabled } from '../../config/notify-schema.js';
import { errors } from '../../errors/certgate-error.js';
import { formatDateTime } from '../../notify/dates.js';
import { preview } from '../../notify/preview.js';
import { Notifier } from '../../notify/service.js';
import { notifyStatus } from '../../notify/status.js';
import { UserStore } from '../../users/user-store.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';

/** `--within 90` or `90d`: days ahead to include. */
export function withinOption(text: string): number {
  const m = /^\s*(\d{1,4})\s*d?\s*$/i.exec(text);
  if (!m || Number(m[1]) > 3650) throw errors.usage(`--within "${text}" must be a number of days from 0 to 3650, e.g. 90 or 90d`);
  return Number(m[1]);
}

async function deps(ctx: CliContext) {
  const config = loadNotifyConfig(ctx.env);
  const redis = await ctx.redis();
  return { config, redis, audit: await ctx.audit(), registry: await ctx.registry(), users: new UserStore(redis, await ctx.audit()) };
}

export function register(program: Command, ctx: CliContext): void {
  const notify = program.command('notify').description('certificate-expiry reminders and account notices by mail and webhook');
  notify
    .command('run')
    .description('one sending pass, then exit (for cron; skipped while a gateway holds the sender lease)')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { json?: boolean }) => {
      const d = await deps(ctx);
      if (!notifyEnabled(d.config)) {
        throw errors.configInvalid('no notification channel is configured; set CERTGATE_SMTP_URL and CERTGATE_NOTIFY_FROM, or CERTGATE_NOTIFY_WEBHOOK');
      }
      const notifier = new Notifier({ ...d, now: ctx.now });
      try {
        const r = await notifier.runOnce({ release: true });
        if (!r.ran) {
          if (o.json) return ctx.printJson({ ran: false, holder: r.holder });
          return ctx.print(`another instance (${r.holder}) holds the sender lease and sends; nothing done`);
        }
        const s = r.summary;
        if (o.json) ctx.printJson({ ran: true, ...s, at: new Date(s.at).toISOString() });
        else ctx.print(`notification pass: ${s.sent} sent, ${s.failed} failed (retried later), ${s.gaveUp} given up, ${s.deferred} deferred to tomorrow; ${s.mails} mail(s), ${s.webhooks} webhook call(s)`);
        if (s.failed + s.gaveUp > 0) {
          throw errors.deliveryFailed(`${s.failed + s.gaveUp} delivery(ies) failed; see \`certgate notify status\` for the errors (failed ones are retried with backoff)`);
        }
      } finally {
        await notifier.stop();
      }
    });
  notify
    .command('preview')
    .description('what would be sent now, and reminders falling due within the next days, without sending')
    .option('--within <days>', 'also list reminders due within this many days, e.g. 90 or 90d', '0')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { within: string; json?: boolean }) => {
      const within = withinOption(o.within);
      const d = await deps(ctx);
      const rows = await preview(d, ctx.now(), within);
      if (o.json) return ctx.printJson(rows);
      if (rows.length === 0) return ctx.print(within > 0 ? `nothing to send now or within ${within} days` : 'nothing to send now (add --within 90 to see what is coming)');
      ctx.print(
        table(
          ['DUE', 'STATE', 'KIND', 'STEP', 'SERIAL/USER', 'LABEL', 'OPERATOR', 'EXPIRES', 'TO'],
          rows.map((r) => [
            r.due,
            r.state,
            r.kind,
            r.step === null ? '-' : String(r.step),
            r.serial ?? (r.user ? `user ${r.user}` : '-'),
            r.label ?? '-',
            r.operator,
            r.notAfter ? formatDateTime(Date.parse(r.notAfter), 'en', d.config.timeZone) : '-',
            [...r.recipients, ...(r.webhook ? ['(webhook)'] : [])].join(', ') || '(nobody: add contacts with `certgate operator set-email`)',
          ]),
        ),
      );
    });
  notify
    .command('status')
    .description('sender lease, last pass, failing deliveries and recent sends')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { json?: boolean }) => {
      const config = loadNotifyConfig(ctx.env);
      const s = await notifyStatus(await ctx.redis(), ctx.now());
      if (o.json) return ctx.printJson(s);
      const when = (ms: number) => formatDateTime(ms, 'en', config.timeZone);
      ctx.print(`channels:   ${[config.smtpUrl ? 'mail' : '', config.webhookUrl ? 'webhook' : ''].filter(Boolean).join(', ') || 'none configured (CERTGATE_SMTP_URL / CERTGATE_NOTIFY_WEBHOOK)'}`);
      ctx.print(`sender:     ${s.lease ? `${s.lease.holder} (lease for ${Math.round(s.lease.ttlMs / 1000)} s more)` : 'no instance holds the lease'}`);
      const p = s.lastPass;
      ctx.print(`last pass:  ${p ? `${when(p.at)} by ${p.by}: ${p.sent} sent, ${p.failed} failed, ${p.gaveUp} given up, ${p.deferred} deferred` : 'never'}`);
      ctx.print(`pending:    ${s.pendingEvents} account notice(s) not yet delivered everywhere`);
      const retrying = s.failing.filter((f) => f.state === 'failed').length;
      ctx.print(`failing:    ${s.failing.length === 0 ? 'none' : `${retrying} waiting for a retry, ${s.failing.length - retrying} given up`}`);
      if (s.failing.length > 0) {
        ctx.print(
          table(
            ['STATE', 'KIND', 'TARGET', 'ATTEMPTS', 'NEXT TRY', 'ERROR'],
            s.failing.map((f) => [f.state, f.kind, f.target.replace(/^mail:/, ''), String(f.attempts), f.next ? when(f.next) : '-', f.error]),
          ),
        );
      }
      if (s.recent.length > 0) {
        ctx.print('recent:');
        ctx.print(table(['TIME', 'OUTCOME', 'CHANNEL', 'TARGET', 'KINDS', 'NOTICES'], s.recent.map((e) => [when(e.at), e.outcome, e.channel, e.target, e.kinds.join(','), String(e.notices)])));
      }
    });
}
