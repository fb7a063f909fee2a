// Prometheus metrics of one gateway process. Each process owns its registry so tests and
// cluster workers never share global state.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RegistryStats } from '../registry/registry.js';

/** Where the sampled gauges read their values from at scrape time. */
export interface MetricSamplers {
  activeSessions: () => Promise<number>;
  registryStats: () => Promise<RegistryStats>;
}

/** Certificate counts scan the whole registry: sample them at most this often. */
const REGISTRY_SAMPLE_MS = 30_000;

export interface GatewayMetrics {
  registry: Registry;
  /** Requests by outcome: proxied, cert-*, session-*, login-*, maintenance, error, auth-page… */
  requests: Counter<'outcome'>;
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

export function createMetrics(options: { defaultMetrics?: boolean; samplers?: MetricSamplers } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'certgate_' });
  const registers = [registry];
  const samplers = options.samplers;
  let statsAt = 0;
  let stats: Promise<RegistryStats> | undefined;
  const registryStats = () => {
    if (!samplers) return undefined;
    if (!stats || Date.now() - statsAt > REGISTRY_SAMPLE_MS) {
      statsAt = Date.now();
      stats = samplers.registryStats();
    }
    return stats;
  };
  // Sampled when scraped (also in cluster workers, whose values the primary merges with `max`:
  // every worker sees the same store). A store error keeps the last value; the scrape still answers.
  const sample = async (update: () => Promise<void>) => {
    try {
      await update();
    } catch {
      stats = undefined;
    }
  };
  return {
    registry,
    requests: new Counter({ name: 'certgate_requests_total', help: 'Requests by outcome', labelNames: ['outcome'], registers }),
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
        if (samplers) await sample(async () => this.set(await samplers.activeSessions()));
      },
    }),
    certificates: new Gauge({
      name: 'certgate_certificates',
      help: 'Registered certificates by state (sampled)',
      labelNames: ['state'],
      aggregator: 'max',
      registers,
      async collect() {
        const pending = registryStats();
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
        const pending = registryStats();
        if (pending) await sample(async () => Object.entries((await pending).expiringWithin).forEach(([d, n]) => this.set({ within_days: d }, n)));
      },
    }),
  };
}
