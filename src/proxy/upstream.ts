// The pooled keep-alive connection to the portal backend (undici Pool) and the streaming proxy call.
import { Pool, errors as undiciErrors } from 'undici';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { errors } from '../errors/certgate-error.js';

export interface UpstreamOptions {
  url: URL;
  /** Time to wait for response headers (and between body chunks). */
  timeoutMs: number;
  connections?: number;
}

export interface ForwardRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  /** The client's request, streamed to the upstream as it arrives (GET/HEAD send none). */
  body: IncomingMessage | null;
  /** Called once the upstream's status and headers are known, to write them to the client. */
  onHeaders: (status: number, headers: Record<string, string | string[] | undefined>) => ServerResponse;
  signal: AbortSignal;
}

export class Upstream {
  readonly pool: Pool;
  readonly url: URL;

  constructor(options: UpstreamOptions) {
    this.url = options.url;
    this.pool = new Pool(options.url.origin, {
      connections: options.connections ?? 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: Math.min(options.timeoutMs, 5000),
    });
  }

  /** The target the upstream receives for an origin-form client target: CERTGATE_UPSTREAM's path + it. */
  targetFor(clientTarget: string): string {
    return this.url.pathname.replace(/\/$/, '') + clientTarget;
  }

  /** Stream one request through (`path` from targetFor); rejects with UPSTREAM_REFUSED / UPSTREAM_TIMEOUT before headers. */
  async forward(req: ForwardRequest): Promise<void> {
    try {
      await this.pool.stream(
        {
          method: req.method as 'GET',
          path: req.path,
          headers: req.headers,
          body: req.body,
          signal: req.signal,
        },
        ({ statusCode, headers }) => req.onHeaders(statusCode, headers) as unknown as Writable,
      );
    } catch (err) {
      throw classify(err);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function classify(err: unknown): unknown {
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.ConnectTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return errors.upstreamTimeout(err);
  }
  if (err instanceof undiciErrors.RequestAbortedError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
    return errors.upstreamRefused(err);
  }
  return err;
}
