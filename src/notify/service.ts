// The notifier as the rest of certgate sees it: built from the configuration, run once under the
// lease (`certgate notify run`) or on a timer inside `certgate serve` (one instance sends at a time).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import type { Store } from '../store/store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { type NotifyConfig, notifyEnabled } from '../config/notify-schema.js';
import type { Logger } from '../log/logger.js';
import type { Registry } from '../registry/registry.js';
import type { UserStore } from '../users/user-store.js';
import { smtpChannel, webhookChannel } from './channels.js';
import type { PassSummary } from './ledger.js';
import { StoreLease } from '../store/lease.js';
import { keys } from '../store/keys.js';
import { type NotifyMetrics, Runner } from './runner.js';

export interface NotifierDeps {
  redis: Store;
  audit: AuditLog;
  registry: Registry;
  users: UserStore;
  config: NotifyConfig;
  logger?: Logger;
  metrics?: NotifyMetrics;
  /** Extra TLS options for the SMTP connection (e.g. a private CA in tests). */
  smtpTls?: ConnectionOptions;
  /** The clock; tests pass their own. */
  now?: () => number;
}

export type RunOutcome = { ran: true; summary: PassSummary } | { ran: false; holder: string };

/** A fresh id for this sender: host, process and a random part (claims and the lease carry it). */
export const senderId = (): string => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export class Notifier {
  readonly id = senderId();
  private readonly runner: Runner;
  private readonly lease: StoreLease;
  private readonly close_: () => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private used = false;

  constructor(private readonly d: NotifierDeps) {
    const mail = d.config.smtpUrl ? smtpChannel(d.config, d.smtpTls ? { tls: d.smtpTls } : {}) : undefined;
    const webhook = d.config.webhookUrl ? webhookChannel(d.config) : undefined;
    this.close_ = () => mail?.close();
    this.runner = new Runner({ ...d, mail, webhook, id: this.id });
    // The lease outlives two intervals, so the holder keeps it between passes; a dead holder's
    // lease lapses and another instance takes over.
    this.lease = new StoreLease(d.redis, keys.notifyLease, this.id, Math.max(2 * d.config.intervalMs + 60_000, 5 * 60_000));
  }

  get enabled(): boolean {
    return notifyEnabled(this.d.config);
  }

  /** One pass if this instance holds (or takes) the lease. `release` frees it afterwards (the CLI). */
  async runOnce(opts: { now?: number; release?: boolean } = {}): Promise<RunOutcome> {
    this.used = true;
    if (!(await this.lease.acquire())) return { ran: false, holder: (await StoreLease.holderOf(this.d.redis, keys.notifyLease))?.holder ?? 'another instance' };
    try {
      const summary = await this.runner.pass(opts.now ?? (this.d.now ?? Date.now)());
      return { ran: true, summary };
    } finally {
      if (opts.release) await this.lease.release().catch(() => undefined);
    }
  }

  /** Inside `certgate serve`: a pass now and every interval; errors are logged, never thrown. */
  start(): void {
    if (!this.enabled || this.timer || this.stopped) return;
    const tick = async () => {
      try {
        const r = await this.runOnce();
        if (r.ran) this.d.logger?.info({ ...r.summary, sender: this.id }, 'notification pass done');
        else this.d.logger?.debug({ holder: r.holder }, 'notification lease held by another instance');
      } catch (err) {
        this.d.logger?.warn({ err: { message: (err as Error).message } }, 'notification pass failed; retrying at the next interval');
      }
    };
    const loop = () => {
      this.running = tick().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(loop, this.d.config.intervalMs);
      });
    };
    this.timer = setTimeout(loop, 0);
    this.d.logger?.info({ intervalMs: this.d.config.intervalMs, mail: Boolean(this.d.config.smtpUrl), webhook: Boolean(this.d.config.webhookUrl) }, 'notifications enabled');
  }

  /** Stop the timer, let a running pass finish, give the lease back. */
  async stop(): Promise<void> {
    const started = this.timer !== undefined || this.used;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    // A gateway with notifications off never touched the lease: nothing to give back.
    if (started) await this.lease.release().catch(() => undefined);
    this.close_();
  }
}
