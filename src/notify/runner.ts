// One sending pass at `now`: plan the due notices, claim each (notice, recipient) delivery, send one
// mail per recipient (reminders at most once per recipient per day) and one webhook call per
// notice, then record the outcome. Claims make it safe even if two passes ever overlap.
import type { Store } from '../store/store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { NotifyConfig } from '../config/notify-schema.js';
import type { Logger } from '../log/logger.js';
import type { Registry } from '../registry/registry.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import type { UserStore } from '../users/user-store.js';
import { DeliveryError, type MailChannel, type WebhookChannel } from './channels.js';
import { type ComposedMail, composeEventMail, composeReminderMail, webhookPayload } from './composer.js';
import { zonedDay } from './dates.js';
import { PendingEvents, initialCursor, readEvents } from './events.js';
import { Ledger, type Outcome, type PassSummary, recipientDigest } from './ledger.js';
import { Directory, type EventNotice, type Notice, type ReminderNotice, planReminder } from './planner.js';
import { DeliveryRecords, MAX_ATTEMPTS, backoffMs } from './records.js';

const DAY_MS = 86_400_000;
const EVENT_RECORD_TTL_MS = 30 * DAY_MS;
const CERT_USER_TTL_MS = 800 * DAY_MS;

export interface NotifyMetrics {
  notifications: { inc(labels: { kind: string; outcome: string }): void };
}

export interface RunnerDeps {
  redis: Store;
  audit: AuditLog;
  registry: Registry;
  users: UserStore;
  config: NotifyConfig;
  mail: MailChannel | undefined;
  webhook: WebhookChannel | undefined;
  /** This sender's id (claims and the lease name it). */
  id: string;
  logger?: Logger;
  metrics?: NotifyMetrics;
}

/** Everything a pass plans, also what `notify preview` shows. */
export interface Plan {
  dir: Directory;
  reminders: ReminderNotice[];
  /** Account-event notices: pending from earlier passes plus the ones read now. */
  events: EventNotice[];
}

/** Delivery target of a mail recipient (case-insensitive, as recipients are grouped). */
export const mailTarget = (address: string): string => `mail:${address.toLowerCase()}`;

const recordTtl = (n: Notice, now: number): number => ('notAfter' in n ? Math.max(n.notAfter + 60 * DAY_MS - now, EVENT_RECORD_TTL_MS) : EVENT_RECORD_TTL_MS);

/**
 * The due notices at `now`. Nothing is claimed; with `learn` (a sending pass, not a preview) the
 * events read are stored as pending, the cursor moves past them, and logins teach certificate users.
 */
export async function plan(d: Pick<RunnerDeps, 'redis' | 'audit' | 'registry' | 'users' | 'config'>, now: number, opts: { learn?: boolean } = {}): Promise<Plan> {
  const records = new DeliveryRecords(d.redis);
  const pending = new PendingEvents(d.redis);
  const dir = new Directory(await d.registry.operators.list(), await d.users.list());
  const cursor = await storeCall(() => d.redis.get(keys.notifyCursor));
  const read = await readEvents(d.audit, cursor ?? initialCursor(now), dir, now);
  // An event nobody can receive by mail still goes to the webhook when there is one.
  const fresh = read.entries.flatMap((e) => (e.notice && (e.notice.recipients.length > 0 || d.config.webhookUrl) ? [e.notice] : []));
  const events = new Map((await pending.list(now)).map((n) => [n.id, n]));
  for (const n of fresh) if (!events.has(n.id)) events.set(n.id, n);
  if (opts.learn) {
    // A first pass pins its starting point, so a later pass does not look back from a later `now`.
    await pending.add(fresh, read.entries.at(-1)?.id ?? (cursor === null ? initialCursor(now) : undefined));
    for (const [field, userId] of read.certUsers) {
      const colon = field.indexOf(':');
      if (colon > 0) await records.setCertUser(field.slice(0, colon), field.slice(colon + 1), userId, CERT_USER_TTL_MS);
    }
  }
  const reminders: ReminderNotice[] = [];
  for (const r of await d.registry.list()) {
    if (r.notAfter === undefined) continue;
    const probe = planReminder(r, undefined, dir, now, d.config.days, d.config.timeZone);
    if (!probe) continue;
    const user = read.certUsers.get(`${r.issuerId}:${r.serial}`) ?? (await records.certUser(r.issuerId, r.serial));
    reminders.push(user ? planReminder(r, user, dir, now, d.config.days, d.config.timeZone)! : probe);
  }
  return { dir, reminders, events: [...events.values()] };
}

interface Delivery {
  notice: Notice;
  field: string;
  attempts: number;
}

export class Runner {
  private readonly records: DeliveryRecords;
  private readonly ledger: Ledger;
  private summary!: PassSummary;
  /** Notice ids with a delivery still open after this pass (event notices stay pending). */
  private open = new Set<string>();

  constructor(private readonly d: RunnerDeps) {
    this.records = new DeliveryRecords(d.redis);
    this.ledger = new Ledger(d.redis);
  }

  async pass(now: number): Promise<PassSummary> {
    this.summary = { at: now, by: this.d.id, sent: 0, failed: 0, gaveUp: 0, deferred: 0, mails: 0, webhooks: 0 };
    this.open = new Set();
    const p = await plan(this.d, now, { learn: true });
    const notices: Notice[] = [...p.events, ...p.reminders];
    if (this.d.mail) {
      // Grouped case-insensitively; the mail goes to the address as first written.
      const byAddress = new Map<string, { to: string; lang: 'ja' | 'en'; reminders: ReminderNotice[]; events: EventNotice[] }>();
      for (const n of notices) {
        for (const r of n.recipients) {
          const k = r.address.toLowerCase();
          const g = byAddress.get(k) ?? { to: r.address, lang: r.lang, reminders: [], events: [] };
          if ('serial' in n) g.reminders.push(n);
          else g.events.push(n);
          byAddress.set(k, g);
        }
      }
      for (const g of byAddress.values()) {
        if (g.events.length > 0) await this.mailGroup(g.to, g.events, now, (ns) => composeEventMail(ns as EventNotice[], g.lang, this.d.config.timeZone));
        if (g.reminders.length > 0) await this.mailGroup(g.to, g.reminders, now, (ns) => composeReminderMail(ns as ReminderNotice[], g.lang, this.d.config.timeZone), true);
      }
    }
    if (this.d.webhook) for (const n of notices) await this.postWebhook(n, now);
    // Events whose every delivery is settled leave the pending list.
    await new PendingEvents(this.d.redis).settled(p.events.filter((n) => !this.open.has(n.id)).map((n) => n.id));
    await this.ledger.summary(this.summary);
    return this.summary;
  }

  /** One mail to `address` with every claimable notice of the group; reminders once per day. */
  private async mailGroup(address: string, notices: Notice[], now: number, compose: (ns: Notice[]) => ComposedMail, daily = false): Promise<void> {
    const target = mailTarget(address);
    const claimed: Delivery[] = [];
    for (const n of notices) {
      const field = `${n.recordField}|${target}`;
      const c = await this.records.claim(n.recordKey, field, now, this.d.id, recordTtl(n, now));
      if (c.claimed) claimed.push({ notice: n, field, attempts: c.attempts });
      else if (c.reason !== 'settled') this.open.add(n.id);
    }
    if (claimed.length === 0) return;
    let dayKey: string | undefined;
    if (daily) {
      dayKey = keys.recipientDay(recipientDigest(address), zonedDay(now, this.d.config.timeZone));
      const day = await this.records.claim(dayKey, 'day', now, this.d.id, 3 * DAY_MS);
      if (!day.claimed) {
        // Today's reminder mail already went (or is going) to this address: the rest waits for tomorrow.
        for (const c of claimed) {
          await this.records.release(c.notice.recordKey, c.field, now, c.attempts);
          this.open.add(c.notice.id);
          this.count(c.notice, 'deferred');
        }
        return;
      }
    }
    const mail = compose(claimed.map((c) => c.notice));
    let error: DeliveryError | undefined;
    try {
      await this.d.mail!.send({ to: address, subject: mail.subject, text: mail.text, reference: claimed.map((c) => c.notice.id).join(' ') });
    } catch (err) {
      error = err instanceof DeliveryError ? err : new DeliveryError(String(err), false);
    }
    this.summary.mails++;
    if (dayKey) {
      if (error) await this.records.release(dayKey, 'day', now, 0);
      else await this.records.settle(dayKey, 'day', { s: 'sent', n: 0, at: now });
    }
    await this.settle(claimed, target, error, now);
    await this.ledger.log({ at: now, outcome: error ? (error.permanent ? 'gave-up' : 'failed') : 'sent', channel: 'mail', target: address, kinds: [...new Set(claimed.map((c) => c.notice.kind))], notices: claimed.length, ...(error ? { error: error.message } : {}) });
  }

  private async postWebhook(n: Notice, now: number): Promise<void> {
    const field = `${n.recordField}|webhook`;
    const c = await this.records.claim(n.recordKey, field, now, this.d.id, recordTtl(n, now));
    if (!c.claimed) {
      if (c.reason !== 'settled') this.open.add(n.id);
      return;
    }
    let error: DeliveryError | undefined;
    try {
      await this.d.webhook!.post(JSON.stringify(webhookPayload(n, now)), n.id);
    } catch (err) {
      error = err instanceof DeliveryError ? err : new DeliveryError(String(err), false);
    }
    this.summary.webhooks++;
    await this.settle([{ notice: n, field, attempts: c.attempts }], 'webhook', error, now);
    await this.ledger.log({ at: now, outcome: error ? (error.permanent ? 'gave-up' : 'failed') : 'sent', channel: 'webhook', target: 'webhook', kinds: [n.kind], notices: 1, ...(error ? { error: error.message } : {}) });
  }

  private async settle(deliveries: Delivery[], target: string, error: DeliveryError | undefined, now: number): Promise<void> {
    for (const { notice, field, attempts } of deliveries) {
      const id = `${notice.recordKey}|${field}`;
      if (!error) {
        await this.records.settle(notice.recordKey, field, { s: 'sent', n: attempts, at: now });
        await this.ledger.cleared(id);
        this.count(notice, 'sent');
        continue;
      }
      const n = attempts + 1;
      const gaveUp = error.permanent || n >= MAX_ATTEMPTS;
      const next = now + backoffMs(n);
      await this.records.settle(notice.recordKey, field, gaveUp ? { s: 'gave-up', n, at: now, err: error.message } : { s: 'failed', n, at: now, next, err: error.message });
      await this.ledger.failing({ id, notice: notice.id, kind: notice.kind, target, state: gaveUp ? 'gave-up' : 'failed', attempts: n, ...(gaveUp ? {} : { next }), at: now, error: error.message });
      if (!gaveUp) this.open.add(notice.id);
      this.count(notice, gaveUp ? 'gave-up' : 'failed');
      this.d.logger?.warn({ notice: notice.id, kind: notice.kind, target: target.startsWith('mail:') ? 'mail' : target, attempts: n, gaveUp, error: error.message }, 'notification not delivered');
    }
  }

  private count(n: Notice, outcome: Outcome): void {
    if (outcome === 'sent') this.summary.sent++;
    else if (outcome === 'failed') this.summary.failed++;
    else if (outcome === 'gave-up') this.summary.gaveUp++;
    else this.summary.deferred++;
    this.d.metrics?.notifications.inc({ kind: n.kind, outcome });
  }
}
