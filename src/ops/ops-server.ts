// The plain-HTTP ops listener: /healthz (process alive), /readyz (dependencies), /metrics.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { runChecks, type Check } from './readiness.js';

/** A prom-client Registry, or the cluster primary's aggregate of its workers' registries. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface OpsServerOptions {
  checks: Record<string, Check>;
  registry: MetricsSource;
  /** True once shutdown started: readiness turns 503 so load balancers drain this instance. */
  isShuttingDown: () => boolean;
  /** CERTGATE_METRICS_TOKEN: when set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time comparison of the bearer token (hashed first, so lengths do not leak either). */
function bearerMatches(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

export function createOpsServer(options: OpsServerOptions): Server {
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      if (options.isShuttingDown()) return json(res, 503, { status: 'shutting-down', checks: {} });
      void runChecks(options.checks).then((r) =>
        json(res, r.ok ? 200 : 503, { status: r.ok ? (r.degraded ? 'degraded' : 'ready') : 'not-ready', checks: r.checks }),
      );
      return;
    }
    if (path === '/metrics') {
      if (options.metricsToken && !bearerMatches(req, options.metricsToken)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="certgate metrics"');
        return json(res, 401, { error: 'a bearer token is required (CERTGATE_METRICS_TOKEN)' });
      }
      void (async () => {
        try {
          const text = await options.registry.metrics();
          res.writeHead(200, { 'Content-Type': options.registry.contentType });
          res.end(text);
        } catch (err) {
          json(res, 500, { error: `metrics unavailable: ${(err as Error).message}` });
        }
      })();
      return;
    }
    json(res, 404, { error: 'not found', paths: ['/healthz', '/readyz', '/metrics'] });
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  return server;
}
