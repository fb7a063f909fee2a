// Which notices are due at `now`: the reminder step each certificate has reached, and who receives
// it. Pure functions over what the store holds; the runner decides what was already sent.
import type { Operator } from '../registry/operators.js';
import type { Registration } from '../registry/registration.js';
import { keys } from '../store/keys.js';
import type { UserRecord } from '../users/user-record.js';
import { type Lang, addDays, daysBetween, zonedDay } from './dates.js';

export type ReminderKind = 'expiry' | 'expired';
export type EventKind = 'lockout' | 'password-reset' | 'password-changed' | 'account-created';
export type NoticeKind = ReminderKind | EventKind;
export const NOTICE_KINDS: readonly NoticeKind[] = ['expiry', 'expired', 'lockout', 'password-reset', 'password-changed', 'account-created'];

export interface Recipient {
  address: string;
  lang: Lang;
}

interface NoticeBase {
  /** Stable id: `exp:<issuerId>:<serial>:<step>` or `evt:<audit entry id>`. */
  id: string;
  /** Hash holding this notice's delivery records, and the field prefix inside it. */
  recordKey: string;
  recordField: string;
  recipients: Recipient[];
  operatorId: string;
  operatorName: string;
}

export interface ReminderNotice extends NoticeBase {
  kind: ReminderKind;
  /** Days before expiry, or 'expired' for the one notice after expiry. */
  step: number | 'expired';
  /** Calendar day (configured zone) the notice is due. */
  dueDay: string;
  issuerId: string;
  serial: string;
  label: string | undefined;
  notAfter: number;
  /** Calendar days from today to the expiry day (negative once expired). */
  daysLeft: number;
  userId: string | undefined;
}

export interface EventNotice extends NoticeBase {
  kind: EventKind;
  /** Audit stream id of the event. */
  streamId: string;
  at: number;
  userId: string;
  userName: string;
}

export type Notice = ReminderNotice | EventNotice;

/** After this many days past expiry the one "expired" notice is no longer sent (old news; prune instead). */
export const EXPIRED_NOTICE_WINDOW_DAYS = 14;
const DAY_MS = 86_400_000;

/** The reminder step reached at `now` (the most urgent one), with the day it became due. */
export function dueStep(notAfter: number, now: number, steps: readonly number[], timeZone: string): { step: number | 'expired'; dueDay: string } | undefined {
  if (now > notAfter) {
    if (now - notAfter > EXPIRED_NOTICE_WINDOW_DAYS * DAY_MS) return undefined;
    return { step: 'expired', dueDay: zonedDay(notAfter + 1000, timeZone) };
  }
  const expiryDay = zonedDay(notAfter, timeZone);
  const left = daysBetween(zonedDay(now, timeZone), expiryDay);
  const reached = steps.filter((s) => left <= s);
  if (reached.length === 0) return undefined;
  const step = Math.min(...reached);
  return { step, dueDay: addDays(expiryDay, -step) };
}

/** Steps that become due after today and within `withinDays` (for preview), in date order. */
export function upcomingSteps(notAfter: number, now: number, steps: readonly number[], timeZone: string, withinDays: number): Array<{ step: number | 'expired'; dueDay: string }> {
  const today = zonedDay(now, timeZone);
  const horizon = addDays(today, withinDays);
  const expiryDay = zonedDay(notAfter, timeZone);
  const out: Array<{ step: number | 'expired'; dueDay: string }> = [];
  for (const step of [...steps].sort((a, b) => b - a)) {
    const dueDay = addDays(expiryDay, -step);
    if (dueDay > today && dueDay <= horizon) out.push({ step, dueDay });
  }
  const expiredDay = zonedDay(notAfter + 1000, timeZone);
  // Not expired yet: the notice after expiry is still ahead (an expired one is covered by dueStep).
  if (notAfter >= now && expiredDay <= horizon) out.push({ step: 'expired', dueDay: expiredDay });
  return out;
}

/** Operators and users as the notifier needs them: contacts, administrators, languages. */
export class Directory {
  readonly operators: Map<string, Operator>;
  readonly users: Map<string, UserRecord>;
  private readonly langs = new Map<string, Lang>();
  private readonly admins = new Map<string, UserRecord[]>();

  constructor(operators: Operator[], users: UserRecord[]) {
    this.operators = new Map(operators.map((o) => [o.id, o]));
    this.users = new Map(users.map((u) => [u.userId, u]));
    // Indexed once per pass: every due certificate asks for its operator's administrators.
    for (const u of users) {
      if (u.roles.includes('operator-admin') && u.email) this.admins.set(u.operatorId, [...(this.admins.get(u.operatorId) ?? []), u]);
    }
    // An address some user chose English for gets English; every other address Japanese.
    for (const u of users) if (u.email && u.lang === 'en') this.langs.set(u.email.toLowerCase(), 'en');
  }

  operatorName(id: string): string {
    return this.operators.get(id)?.name ?? id;
  }

  langOf(address: string): Lang {
    return this.langs.get(address.toLowerCase()) ?? 'ja';
  }

  /** The operator's administrators (role operator-admin) that have an address. */
  adminsOf(operatorId: string): UserRecord[] {
    return this.admins.get(operatorId) ?? [];
  }

  /** Unique recipients (case-insensitive), in the order given. */
  recipients(addresses: Array<string | undefined>): Recipient[] {
    const seen = new Set<string>();
    const out: Recipient[] = [];
    for (const a of addresses) {
      if (!a || seen.has(a.toLowerCase())) continue;
      seen.add(a.toLowerCase());
      out.push({ address: a, lang: this.langOf(a) });
    }
    return out;
  }

  /** Who hears about a certificate: the operator's contacts and administrators, and its user when known. */
  certificateRecipients(operatorId: string, userId: string | undefined): Recipient[] {
    const user = userId ? this.users.get(userId) : undefined;
    const certUser = user && user.operatorId === operatorId ? user.email : undefined;
    return this.recipients([...(this.operators.get(operatorId)?.emails ?? []), ...this.adminsOf(operatorId).map((u) => u.email), certUser]);
  }
}

/** The reminder due now for one registration, or undefined. */
export function planReminder(r: Registration, lastUser: string | undefined, dir: Directory, now: number, steps: readonly number[], timeZone: string): ReminderNotice | undefined {
  if (r.notAfter === undefined) return undefined;
  const due = dueStep(r.notAfter, now, steps, timeZone);
  if (!due) return undefined;
  return reminderNotice(r, lastUser, dir, due, now, timeZone);
}

export function reminderNotice(
  r: Registration,
  lastUser: string | undefined,
  dir: Directory,
  due: { step: number | 'expired'; dueDay: string },
  now: number,
  timeZone: string,
): ReminderNotice {
  const notAfter = r.notAfter ?? 0;
  const step = String(due.step);
  return {
    id: `exp:${r.issuerId}:${r.serial}:${step}`,
    kind: due.step === 'expired' ? 'expired' : 'expiry',
    step: due.step,
    dueDay: due.dueDay,
    recordKey: keys.certNotify(r.issuerId, r.serial),
    recordField: step,
    recipients: dir.certificateRecipients(r.operatorId, lastUser),
    operatorId: r.operatorId,
    operatorName: dir.operatorName(r.operatorId),
    issuerId: r.issuerId,
    serial: r.serial,
    label: r.label,
    notAfter,
    daysLeft: daysBetween(zonedDay(now, timeZone), zonedDay(notAfter, timeZone)),
    userId: lastUser,
  };
}
