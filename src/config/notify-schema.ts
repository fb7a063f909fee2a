// The notification variables (README "Notifications"): validated here so `certgate serve` stops at
// start on a bad value, and loadable alone so `certgate notify …` works without CERTGATE_SECRET.
import { z } from 'zod';
import { errors } from '../errors/certgate-error.js';
import { parseDuration } from './duration.js';
import { urlSetting } from './url-setting.js';

export interface NotifyConfig {
  /** smtp:// or smtps:// URL with credentials; undefined: no mail. */
  smtpUrl: string | undefined;
  /** Sender address of notification mail. */
  from: string | undefined;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** Reminder steps in days before expiry, largest first. */
  days: number[];
  /** How often `certgate serve` runs a sending pass (on the instance holding the lease). */
  intervalMs: number;
  /** Zone in which mails show dates and in which "one mail per recipient per day" counts days. */
  timeZone: string;
}

export const notifyEnvShape = {
  CERTGATE_SMTP_URL: urlSetting('CERTGATE_SMTP_URL', ['smtp:', 'smtps:']).optional(),
  CERTGATE_NOTIFY_FROM: z.string().optional(),
  CERTGATE_NOTIFY_WEBHOOK: urlSetting('CERTGATE_NOTIFY_WEBHOOK', ['http:', 'https:']).optional(),
  CERTGATE_NOTIFY_WEBHOOK_SECRET: z.string().optional(),
  CERTGATE_NOTIFY_DAYS: z
    .string()
    .transform((v, ctx) => {
      const days = parseDays(v);
      if (!days) {
        ctx.addIssue({ code: 'custom', message: `CERTGATE_NOTIFY_DAYS must be whole numbers of days from 1 to 3650 separated by commas, e.g. 90,60,30,14,7,1 (got "${v}")` });
        return z.NEVER;
      }
      return days;
    })
    .prefault('90,60,30,14,7,1'),
  CERTGATE_NOTIFY_INTERVAL: z
    .string()
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms < 1000) {
        ctx.addIssue({ code: 'custom', message: `CERTGATE_NOTIFY_INTERVAL must be a duration of at least 1s such as 90s, 10m or 1h (got "${v}")` });
        return z.NEVER;
      }
      return ms;
    })
    .prefault('10m'),
};

const notifySchema = z.object(notifyEnvShape);

function parseDays(text: string): number[] | undefined {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d{1,4}$/.test(p))) return undefined;
  const days = parts.map(Number);
  if (days.some((d) => d < 1 || d > 3650)) return undefined;
  return [...new Set(days)].sort((a, b) => b - a);
}

/** CERTGATE_TIME_ZONE when it names a zone Intl knows, else Asia/Tokyo (the market's clock). */
export function notifyTimeZone(env: NodeJS.ProcessEnv): string {
  const tz = env.CERTGATE_TIME_ZONE?.trim();
  if (!tz) return 'Asia/Tokyo';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    return 'Asia/Tokyo';
  }
}

/** `addr@domain` or `Display Name <addr@domain>`. */
const FROM = /^(?:[^<>@\r\n]+ <[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+>|[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+)$/;

/** Problems beyond single variables (combinations), for loadConfig's one error. */
export function notifyProblems(c: NotifyConfig): string[] {
  const problems: string[] = [];
  if (c.smtpUrl && !c.from) problems.push('CERTGATE_NOTIFY_FROM is required with CERTGATE_SMTP_URL (the sender address, e.g. certgate@example.co.jp)');
  if (c.from !== undefined && !FROM.test(c.from)) {
    problems.push(`CERTGATE_NOTIFY_FROM must be an e-mail address such as certgate@example.co.jp or "certgate <certgate@example.co.jp>" (got "${c.from}")`);
  }
  if (c.webhookSecret !== undefined && !c.webhookUrl) problems.push('CERTGATE_NOTIFY_WEBHOOK_SECRET is set but CERTGATE_NOTIFY_WEBHOOK is not');
  if (c.webhookSecret !== undefined && Buffer.byteLength(c.webhookSecret) < 16) problems.push('CERTGATE_NOTIFY_WEBHOOK_SECRET must be at least 16 bytes (`openssl rand -hex 32`)');
  return problems;
}

/** From already-parsed values (loadConfig) or straight from the environment (the notify CLI). */
export function toNotifyConfig(e: z.output<typeof notifySchema>, env: NodeJS.ProcessEnv): NotifyConfig {
  return {
    smtpUrl: e.CERTGATE_SMTP_URL,
    from: e.CERTGATE_NOTIFY_FROM?.trim() || undefined,
    webhookUrl: e.CERTGATE_NOTIFY_WEBHOOK,
    webhookSecret: e.CERTGATE_NOTIFY_WEBHOOK_SECRET,
    days: e.CERTGATE_NOTIFY_DAYS,
    intervalMs: e.CERTGATE_NOTIFY_INTERVAL,
    timeZone: notifyTimeZone(env),
  };
}

/** The notification settings alone; CONFIG_INVALID listing every bad variable. */
export function loadNotifyConfig(env: NodeJS.ProcessEnv): NotifyConfig {
  const input = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in notifyEnvShape && v !== undefined && v !== ''));
  const parsed = notifySchema.safeParse(input);
  if (!parsed.success) {
    throw errors.configInvalid(`invalid configuration:\n  - ${parsed.error.issues.map((i) => i.message).join('\n  - ')}`);
  }
  const c = toNotifyConfig(parsed.data, env);
  const problems = notifyProblems(c);
  if (problems.length > 0) throw errors.configInvalid(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return c;
}

/** True when at least one channel is configured (otherwise nothing is ever sent). */
export const notifyEnabled = (c: NotifyConfig): boolean => Boolean(c.smtpUrl || c.webhookUrl);
