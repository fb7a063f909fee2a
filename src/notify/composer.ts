// Turns due notices into what recipients read: one mail per recipient (reminders grouped, soonest
// expiry first; account events grouped), and one JSON document per notice for the webhook.
import { displaySerial } from '../tls/serial.js';
import { type Lang, formatDateTime } from './dates.js';
import { messages } from './messages.js';
import type { EventNotice, Notice, ReminderNotice } from './planner.js';

export interface ComposedMail {
  subject: string;
  text: string;
}

export function composeReminderMail(notices: ReminderNotice[], lang: Lang, timeZone: string): ComposedMail {
  const m = messages(lang);
  const sorted = [...notices].sort((a, b) => a.notAfter - b.notAfter || a.serial.localeCompare(b.serial));
  const live = sorted.filter((n) => n.kind !== 'expired');
  const soonest = live.length > 0 ? Math.min(...live.map((n) => n.daysLeft)) : undefined;
  const expired = sorted.length - live.length;
  const lines: string[] = [m.reminderIntro, ''];
  for (const n of sorted) {
    lines.push(
      ...m.certificateLines({
        serial: displaySerial(n.serial),
        label: n.label ?? '-',
        operator: `${n.operatorName} (${n.operatorId})`,
        expires: formatDateTime(n.notAfter, lang, timeZone),
        left: n.kind === 'expired' ? m.expired : m.daysLeft(n.daysLeft),
      }),
      '',
    );
  }
  lines.push(...m.renewalSteps, '', '--', m.footer, '');
  return { subject: m.reminderSubject(sorted.length, soonest, expired), text: lines.join('\n') };
}

export function composeEventMail(notices: EventNotice[], lang: Lang, timeZone: string): ComposedMail {
  const m = messages(lang);
  const sorted = [...notices].sort((a, b) => a.at - b.at);
  const first = sorted[0]!;
  const lines: string[] = [];
  for (const n of sorted) {
    lines.push(...m.eventBody[n.kind]({ userId: n.userId, userName: n.userName, operator: `${n.operatorName} (${n.operatorId})`, at: formatDateTime(n.at, lang, timeZone) }), '');
  }
  lines.push('--', m.accountFooter, '');
  const subject = sorted.length === 1 ? m.eventSubject[first.kind](first.userId) : `${m.eventSubject[first.kind](first.userId)} (+${sorted.length - 1})`;
  return { subject, text: lines.join('\n') };
}

const WEBHOOK_TYPE: Record<Notice['kind'], string> = {
  expiry: 'certificate.expiring',
  expired: 'certificate.expired',
  lockout: 'account.locked',
  'password-reset': 'account.password-reset',
  'password-changed': 'account.password-changed',
  'account-created': 'account.created',
};

/** The webhook body for one notice (no addresses, no secrets): chat and ticket systems key on `id`. */
export function webhookPayload(n: Notice, now: number): Record<string, unknown> {
  const base = { id: n.id, type: WEBHOOK_TYPE[n.kind], sentAt: new Date(now).toISOString(), operator: { id: n.operatorId, name: n.operatorName } };
  if ('serial' in n) {
    return {
      ...base,
      step: n.step,
      certificate: {
        serial: displaySerial(n.serial),
        serialHex: n.serial,
        issuerId: n.issuerId,
        label: n.label ?? null,
        notAfter: new Date(n.notAfter).toISOString(),
        daysLeft: n.daysLeft,
      },
      user: n.userId ?? null,
    };
  }
  return { ...base, occurredAt: new Date(n.at).toISOString(), user: { id: n.userId, name: n.userName } };
}
