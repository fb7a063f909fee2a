// The two ways a notice leaves certgate: mail over SMTP (nodemailer: STARTTLS when offered, or
// implicit TLS with smtps://, with the URL's credentials) and a JSON webhook signed with HMAC-SHA256.
import { createHmac } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import type { NotifyConfig } from '../config/notify-schema.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Stable id of the mail's contents (deliveries), for the receiving side's de-duplication. */
  reference: string;
}

/** Why a send failed; `permanent` means retrying the same message cannot succeed (e.g. 550 unknown user). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface MailChannel {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface WebhookChannel {
  post(body: string, deliveryId: string): Promise<void>;
}

const SEND_TIMEOUT_MS = 30_000;

/** The SMTP URL with its password masked, for logs and errors. */
export function safeSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable CERTGATE_SMTP_URL)';
  }
}

/** Error text without anything that could carry the URL's credentials. */
function describe(err: unknown, secret: string | undefined): string {
  const e = err as { message?: string; responseCode?: number; code?: string };
  let text = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`.replace(/\s+/g, ' ').slice(0, 300);
  if (secret) text = text.split(secret).join('***');
  return text;
}

export function smtpChannel(config: Pick<NotifyConfig, 'smtpUrl' | 'from'>, extra: { tls?: ConnectionOptions } = {}): MailChannel {
  const url = config.smtpUrl!;
  let password: string | undefined;
  try {
    password = decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    password = undefined;
  }
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
    ...(extra.tls ? { tls: extra.tls } : {}),
  });
  return {
    async send(m) {
      try {
        await transport.sendMail({
          from: config.from!,
          to: m.to,
          subject: m.subject,
          text: m.text,
          // Marked as automatic so out-of-office replies and auto-forwarders leave it alone.
          headers: { 'X-Certgate-Notice': m.reference, 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        });
      } catch (err) {
        // Only a refusal of this recipient or message is final; a refused login (EAUTH) or an
        // unreachable server is fixed by the operator and must be retried afterwards.
        const e = err as { permanent?: boolean; code?: string };
        const permanent = e.permanent === true && (e.code === 'EENVELOPE' || e.code === 'EMESSAGE');
        throw new DeliveryError(describe(err, password), permanent);
      }
    },
    close: () => transport.close(),
  };
}

/** `sha256=<hex HMAC-SHA256 of the body>` under the webhook secret. */
export const webhookSignature = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function webhookChannel(config: Pick<NotifyConfig, 'webhookUrl' | 'webhookSecret'>): WebhookChannel {
  const url = config.webhookUrl!;
  return {
    async post(body, deliveryId) {
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'certgate-notify',
        'x-certgate-delivery': deliveryId,
      };
      if (config.webhookSecret) headers['x-certgate-signature'] = webhookSignature(config.webhookSecret, body);
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(SEND_TIMEOUT_MS), redirect: 'error' });
      } catch (err) {
        throw new DeliveryError(`webhook not reachable: ${describe((err as { cause?: unknown }).cause ?? err, undefined)}`, false);
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      // 4xx other than 408/429 will not change by retrying the same body; 5xx, 408 and 429 may.
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      throw new DeliveryError(`webhook answered ${res.status}`, permanent);
    },
  };
}
