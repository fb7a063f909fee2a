// Prometheus metrics of one gateway process. Each process owns its registry so tests and
// cluster workers never share global state.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RegistryStats } from '../registry/registry.js';

/** Where the sampled gauges read their values from at scrape time. */
export interface MetricSamplers {
  activeSessions: () => Promise<number>;
  registryStats: () => Promise<RegistryStats>;
}

/**
 * Session and certificate counts walk every user and the whole registry: they are sampled at most
 * this often, by one refresh shared by all scrapes meanwhile, so a scrape's cost does not grow with
 * the number of users and concurrent scrapes cannot pile up store work (README "Operations").
 */
export const SAMPLE_MS = 30_000;

/** A value computed at most once per `everyMs`; callers during a refresh share it; a failure is retried next time. */
function sampled<T>(load: () => Promise<T>, everyMs: number): () => Promise<T> {
  let at = 0;
  let value: Promise<T> | undefined;
  return () => {
    const now = Date.now();
    if (!value || now - at > everyMs) {
      at = now;
      const p = load();
      value = p;
      p.catch(() => {
        if (value === p) value = undefined;
      });
    }
    return value;
  };
}

export interface GatewayMetrics {
  registry: Registry;
  /** Requests by outcome: proxied, cert-*, session-*, login-*, maintenance, error, auth-page… */
  requests: Counter<'outcome'>;
  /** Requests by the route's client kind (web: browser routes, api: CERTGATE_API_PREFIX) and outcome. */
  requestsByUsage: Counter<'usage' | 'outcome'>;
  /** Certificate rejections by data-reason. */
  certRejections: Counter<'reason'>;
  /** Upstream response time (headers received), seconds. */
  upstreamLatency: Histogram<'status_class'>;
  /** Redis command failures seen by the gateway (timeouts, connection refused…). */
  redisErrors: Counter<'operation'>;
  /** Login attempts by outcome: success, invalid-credentials, account-locked, multiple-login, must-change, overloaded. */
  logins: Counter<'outcome'>;
  /** Accounts locked by reaching the failure threshold. */
  lockouts: Counter;
  /** Live sessions (set by a periodic collector). */
  activeSessions: Gauge;
  /** Registered certificates by state (active, not-yet-valid, expired). */
  certificates: Gauge<'state'>;
  /** Registered certificates expiring within 30/60/90 days. */
  certificatesExpiring: Gauge<'within_days'>;
  /** Notification deliveries by kind (expiry, expired, lockout, …) and outcome (sent, failed, gave-up, deferred). */
  notifications: Counter<'kind' | 'outcome'>;
}

export function createMetrics(options: { defaultMetrics?: boolean; samplers?: MetricSamplers; sampleEveryMs?: number } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'certgate_' });
  const registers = [registry];
  const samplers = options.samplers;
  const every = options.sampleEveryMs ?? SAMPLE_MS;
  const registryStats = samplers ? sampled(samplers.registryStats, every) : undefined;
  const activeSessions = samplers ? sampled(samplers.activeSessions, every) : undefined;
  // In a cluster only one worker gets samplers (the primary merges with `max`: every worker sees
  // the same store). A store error keeps the last value; the scrape still answers.
  const sample = async (update: () => Promise<void>) => {
    try {
      await update();
    } catch {
      // retried at the next scrape
    }
  };
  return {
    registry,
    requests: new Counter({ name: 'certgate_requests_total', help: 'Requests by outcome', labelNames: ['outcome'], registers }),
    requestsByUsage: new Counter({
      name: 'certgate_requests_by_usage_total',
      help: 'Requests by client kind (web, api) and outcome (proxied, rate-limited, cert-*, maintenance…)',
      labelNames: ['usage', 'outcome'],
      registers,
    }),
    certRejections: new Counter({
      name: 'certgate_cert_rejections_total',
      help: 'Client certificates refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
    upstreamLatency: new Histogram({
      name: 'certgate_upstream_latency_seconds',
      help: 'Time until the upstream answered with headers',
      labelNames: ['status_class'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    redisErrors: new Counter({ name: 'certgate_redis_errors_total', help: 'Failed store operations', labelNames: ['operation'], registers }),
    logins: new Counter({ name: 'certgate_logins_total', help: 'Login attempts by outcome', labelNames: ['outcome'], registers }),
    lockouts: new Counter({ name: 'certgate_lockouts_total', help: 'Accounts locked by repeated wrong passwords', registers }),
    activeSessions: new Gauge({
      name: 'certgate_active_sessions',
      help: 'Live sessions (sampled)',
      aggregator: 'max',
      registers,
      async collect() {
        if (activeSessions) await sample(async () => this.set(await activeSessions()));
      },
    }),
    certificates: new Gauge({
      name: 'certgate_certificates',
      help: 'Registered certificates by state (sampled)',
      labelNames: ['state'],
      aggregator: 'max',
      registers,
      async collect() {
        const pending = registryStats?.();
        if (pending) await sample(async () => Object.entries((await pending).byState).forEach(([state, n]) => this.set({ state }, n)));
      },
    }),
    notifications: new Counter({
      name: 'certgate_notifications_total',
      help: 'Notification deliveries (one per notice and recipient or webhook) by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    certificatesExpiring: new Gauge({
      name: 'certgate_certificates_expiring',
      help: 'Registered certificates expiring within N days (sampled)',
      labelNames: ['within_days'],
      aggregator: 'max',
      registers,
      async collect() {
        const pending = registryStats?.();
        if (pending) await sample(async () => Object.entries((await pending).expiringWithin).forEach(([d, n]) => this.set({ within_days: d }, n)));
      },
    }),
  };
}
