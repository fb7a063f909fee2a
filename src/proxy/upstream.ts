// The pooled keep-alive connection to the portal backend (undici Pool) and the streaming proxy call:
// a dispatch handler that writes the upstream's answer straight into the client's response, with
// backpressure both ways and no per-request stream, promise or AbortSignal wrappers of its own.
import { Pool, errors as undiciErrors, util as undiciUtil, type Dispatcher } from 'undici';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../errors/certgate-error.js';

export interface UpstreamOptions {
  url: URL;
  /** Time to wait for response headers (and between body chunks). */
  timeoutMs: number;
  connections?: number;
}

export type UpstreamHeaders = Record<string, string | string[] | undefined>;

export interface ForwardRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  /** The client's request, streamed to the upstream as it arrives (GET/HEAD send none). */
  body: IncomingMessage | null;
  /** Called once the upstream's status and headers are known, to write them to the client. */
  onHeaders: (status: number, headers: UpstreamHeaders) => ServerResponse;
  /**
   * The client's response: when it closes before it is finished (the client went away), the upstream
   * request is aborted and forward() rejects with an error whose `clientGone` is true.
   */
  client: ServerResponse;
}

/** One request through the pool, as undici's (legacy, unwrapped) dispatch handler. */
class ForwardHandler implements Dispatcher.DispatchHandler {
  private abortRequest: ((err?: Error) => void) | undefined;
  private res: ServerResponse | undefined;
  private resume: (() => void) | undefined;
  private clientGone = false;

  constructor(
    private readonly req: ForwardRequest,
    private readonly done: (err?: unknown) => void,
  ) {
    req.client.once('close', this.onClientClose);
  }

  private readonly onClientClose = (): void => {
    if (this.req.client.writableFinished) return;
    this.clientGone = true;
    this.abortRequest?.(new undiciErrors.RequestAbortedError());
  };

  private readonly onDrain = (): void => this.resume?.();

  onConnect(abort: (err?: Error) => void): void {
    this.abortRequest = abort;
    if (this.clientGone) abort(new undiciErrors.RequestAbortedError());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: Node answers 100-continue itself; nothing to relay
    this.resume = resume;
    // undici's own parser: lower-case names, repeated names (Set-Cookie) as arrays, values byte-exact
    // (test/proxy/proxy.test.ts sends raw UTF-8 header bytes through).
    this.res = this.req.onHeaders(statusCode, undiciUtil.parseHeaders(rawHeaders));
    this.res.on('drain', this.onDrain);
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.res!.write(chunk);
  }

  onComplete(): void {
    this.settle();
    this.res!.end();
    this.done();
  }

  onError(err: Error): void {
    this.settle();
    this.done(this.clientGone ? Object.assign(err, { clientGone: true }) : classify(err));
  }

  private settle(): void {
    this.req.client.off('close', this.onClientClose);
    this.res?.off('drain', this.onDrain);
  }
}

export class Upstream {
  readonly pool: Pool;
  readonly url: URL;
  private readonly basePath: string;

  constructor(options: UpstreamOptions) {
    this.url = options.url;
    this.basePath = options.url.pathname.replace(/\/$/, '');
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
    return this.basePath + clientTarget;
  }

  /**
   * Stream one request through (`path` from targetFor). Rejects with UPSTREAM_REFUSED / UPSTREAM_TIMEOUT
   * (before or after the headers: the caller tells by `headersSent`), or with `clientGone` set.
   */
  forward(req: ForwardRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      const handler = new ForwardHandler(req, (err) => (err === undefined ? resolve() : reject(err)));
      this.pool.dispatch({ method: req.method as Dispatcher.HttpMethod, path: req.path, headers: req.headers, body: req.body }, handler);
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** True when forward() failed because the client went away (not the upstream's fault). */
export const clientWentAway = (err: unknown): boolean => (err as { clientGone?: boolean } | null)?.clientGone === true;

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
