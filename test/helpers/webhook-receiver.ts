// A loopback HTTP endpoint that receives notification webhooks and checks their signature
// (X-Certgate-Signature: sha256=<hex HMAC-SHA256 of the body>) the way a receiver should.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  body: Record<string, unknown>;
  signatureValid: boolean;
  headers: Record<string, string | string[] | undefined>;
}

export interface WebhookReceiver {
  url: string;
  hooks: ReceivedHook[];
  /** Answer with this status instead of 204 (e.g. 503) until set back to undefined. */
  failWith: number | undefined;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const hooks: ReceivedHook[] = [];
  const state = { failWith: undefined as number | undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-certgate-signature'] ?? ''));
      const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      if (state.failWith) {
        res.writeHead(state.failWith).end();
        return;
      }
      hooks.push({ body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, signatureValid, headers: req.headers });
      res.writeHead(signatureValid ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/certgate`,
    hooks,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
