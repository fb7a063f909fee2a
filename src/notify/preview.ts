// What would be sent, without sending: the notices due now (not yet delivered everywhere) and the
// reminder steps that fall due within the next N days, with their recipients.
import type { Store } from '../store/store.js';
import type { NotifyConfig } from '../config/notify-schema.js';
import type { Registry } from '../registry/registry.js';
import { displaySerial } from '../tls/serial.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { UserStore } from '../users/user-store.js';
import { zonedDay } from './dates.js';
import { type Notice, reminderNotice, upcomingSteps } from './planner.js';
import { DeliveryRecords } from './records.js';
import { mailTarget, plan } from './runner.js';

export interface PreviewRow {
  /** Calendar day (configured zone) the notice is or becomes due. */
  due: string;
  /** due: the next pass sends it; retry: failed, retried later; scheduled: becomes due on `due`. */
  state: 'due' | 'retry' | 'scheduled';
  kind: Notice['kind'];
  step: number | 'expired' | null;
  serial: string | null;
  label: string | null;
  operator: string;
  user: string | null;
  notAfter: string | null;
  recipients: string[];
  webhook: boolean;
}

export interface PreviewDeps {
  redis: Store;
  audit: AuditLog;
  registry: Registry;
  users: UserStore;
  config: NotifyConfig;
}

export async function preview(d: PreviewDeps, now: number, withinDays: number): Promise<PreviewRow[]> {
  const records = new DeliveryRecords(d.redis);
  const p = await plan(d, now);
  const webhook = Boolean(d.config.webhookUrl);
  const mail = Boolean(d.config.smtpUrl);
  const rows: PreviewRow[] = [];
  const today = zonedDay(now, d.config.timeZone);
  for (const n of [...p.events, ...p.reminders]) {
    const state = await openState(records, n, mail, webhook);
    if (state) rows.push(row(n, n.kind === 'expiry' || n.kind === 'expired' ? n.dueDay : today, state, webhook));
  }
  if (withinDays > 0) {
    // A step falls within the window when expiry is within the window plus the largest step.
    const reach = withinDays + Math.max(0, ...d.config.days) + 1;
    for (const r of await d.registry.list({ expiringWithinDays: reach, now })) {
      if (r.notAfter === undefined) continue;
      const user = await records.certUser(r.issuerId, r.serial);
      for (const step of upcomingSteps(r.notAfter, now, d.config.days, d.config.timeZone, withinDays)) {
        rows.push(row(reminderNotice(r, user, p.dir, step, now, d.config.timeZone), step.dueDay, 'scheduled', webhook));
      }
    }
  }
  return rows.sort((a, b) => a.due.localeCompare(b.due) || (a.notAfter ?? '').localeCompare(b.notAfter ?? '') || a.kind.localeCompare(b.kind));
}

/** Whether some delivery of a due notice is still to be made, and whether it is waiting for a retry. */
async function openState(records: DeliveryRecords, n: Notice, mail: boolean, webhook: boolean): Promise<'due' | 'retry' | undefined> {
  const have = await records.read(n.recordKey);
  const targets = [...(mail ? n.recipients.map((r) => mailTarget(r.address)) : []), ...(webhook ? ['webhook'] : [])];
  // No channel configured yet: preview as if mail were (what an operator wants to see before enabling it).
  if (!mail && !webhook) targets.push(...n.recipients.map((r) => mailTarget(r.address)));
  let retry = false;
  let open = false;
  for (const t of targets) {
    const rec = have.get(`${n.recordField}|${t}`);
    if (rec?.s === 'sent' || rec?.s === 'gave-up') continue;
    open = true;
    if (rec?.s === 'failed') retry = true;
  }
  return open ? (retry ? 'retry' : 'due') : undefined;
}

function row(n: Notice, due: string, state: PreviewRow['state'], webhook: boolean): PreviewRow {
  const cert = 'serial' in n ? n : undefined;
  return {
    due,
    state,
    kind: n.kind,
    step: cert ? cert.step : null,
    serial: cert ? displaySerial(cert.serial) : null,
    label: cert?.label ?? null,
    operator: n.operatorId,
    user: (cert ? cert.userId : n.userId) ?? null,
    notAfter: cert ? new Date(cert.notAfter).toISOString() : null,
    recipients: n.recipients.map((r) => r.address),
    webhook,
  };
}
