// The load generator process (run pinned to the load CPUs): reads one job as JSON on stdin — keep-alive
// HTTP load with autocannon (optionally with a login storm alongside), new-handshake loops, or direct
// registry lookups — and prints one JSON result on stdout.
import autocannon, { type Result as CannonResult } from 'autocannon';
import { createRedis } from '../src/store/redis.js';
import { lookupGate } from '../src/gateway/request-lookup.js';
import { RegistrationReader } from '../src/registry/registration-reader.js';
import { MaintenanceCache } from '../src/maintenance/maintenance-cache.js';
import { handshakeLoop, type HandshakeSpec } from './handshake.js';
import { prepareStorm, type StormResult, type StormSpec } from './storm.js';
import { Samples, elapsedMs, type LatencySummary } from './stats.js';
import { MARK_END, MARK_START } from './shared.js';

export interface HttpJob {
  mode: 'http';
  url: string;
  headers: Record<string, string>;
  tls?: { certPem: string; keyPem: string; caPem: string };
  connections: number;
  warmupS: number;
  durationS: number;
  /** Fixed overall request rate; unset = as fast as the server answers. */
  rate?: number;
  storm?: Omit<StormSpec, 'durationMs'>;
  /**
   * Seconds of load before the measured window on the same connections (no storm): the load
   * generator prints MARK_START / MARK_END lines around the window, so the bench reads the servers'
   * CPU time without the connections' handshakes, and only responses inside it are counted.
   */
  leadInS?: number;
}


export interface HttpResult {
  reqPerSec: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latency: LatencySummary;
  storm?: StormResult;
}

export interface LookupJob {
  mode: 'lookup';
  redisUrl: string;
  /** [issuerId, serial] pairs, looked up round-robin. */
  targets: Array<[string, string]>;
  count: number;
  maxMs: number;
}

export interface LookupResult {
  count: number;
  found: number;
  latency: LatencySummary;
}

export type Job = HttpJob | LookupJob | ({ mode: 'handshake' } & HandshakeSpec);

interface Tally {
  samples: Samples;
  codes: Record<string, number>;
  ok: number;
}

/** The measured window of a lead-in run: opened once every connection has answered, closed by time. */
interface Window {
  open: boolean;
  /** Sees every response, in the window or not (the lead-in watches connections come up). */
  onResponse?: (client: unknown, stop: () => void) => void;
}

function cannon(job: HttpJob, durationS: number, tally?: Tally, window?: Window): Promise<CannonResult> {
  // At a fixed rate each connection sends every `interval` ms (see Samples.addCorrected).
  const interval = job.rate ? (job.connections / job.rate) * 1000 : 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: durationS,
        headers: job.headers,
        timeout: 10,
        ...(job.rate ? { overallRate: job.rate } : {}),
        ...(job.tls ? { servername: 'localhost', tlsOptions: { cert: job.tls.certPem, key: job.tls.keyPem, ca: job.tls.caPem } } : {}),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (client, status, _bytes, ms) => {
      window?.onResponse?.(client, () => instance.stop());
      if (!tally || (window && !window.open)) return;
      tally.codes[status] = (tally.codes[status] ?? 0) + 1;
      if (status < 200 || status >= 300) return;
      tally.ok++;
      tally.samples.addCorrected(ms, interval);
    });
  });
}

/**
 * One autocannon run whose measured window opens once `leadInS` has passed AND every connection has
 * had an answer (on a starved machine the connections' handshakes can take longer than the lead-in),
 * and closes `durationS` later; MARK lines tell the bench when to read the servers' CPU. Only
 * responses inside the window count.
 */
async function runWithLeadIn(job: HttpJob, leadInS: number): Promise<HttpResult> {
  const tally: Tally = { samples: new Samples(), codes: {}, ok: 0 };
  const answered = new Set<unknown>();
  let leadInOver = false;
  let opened: bigint | undefined;
  let closed: bigint | undefined;
  let stopCannon: (() => void) | undefined;
  let endTimer: NodeJS.Timeout | undefined;
  const close = () => {
    if (opened === undefined || closed !== undefined) return;
    window.open = false;
    closed = process.hrtime.bigint();
    process.stdout.write(`${MARK_END}\n`);
    stopCannon?.();
  };
  const openIfReady = () => {
    if (opened !== undefined || !leadInOver || answered.size < job.connections) return;
    window.open = true;
    opened = process.hrtime.bigint();
    process.stdout.write(`${MARK_START}\n`);
    endTimer = setTimeout(close, job.durationS * 1000);
  };
  const window: Window = {
    open: false,
    onResponse: (client, stop) => {
      stopCannon ??= stop;
      if (opened !== undefined) return;
      answered.add(client);
      openIfReady();
    },
  };
  const leadIn = setTimeout(() => {
    leadInOver = true;
    openIfReady();
  }, leadInS * 1000);
  // Long enough for a slow start; stopped by close() once the window has run its length.
  const result = await cannon(job, leadInS + job.durationS + 30, tally, window);
  clearTimeout(leadIn);
  clearTimeout(endTimer);
  close();
  if (opened === undefined) throw new Error(`not every one of the ${job.connections} connections answered within ${leadInS + job.durationS + 30} s`);
  const seconds = Number((closed ?? process.hrtime.bigint()) - opened) / 1e9 || job.durationS;
  return {
    reqPerSec: Math.round(tally.ok / seconds),
    ok: tally.ok,
    non2xx: Object.entries(tally.codes).reduce((n, [code, c]) => (Number(code) >= 300 || Number(code) < 200 ? n + c : n), 0),
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: tally.codes,
    latency: tally.samples.summary(),
  };
}

async function runHttp(job: HttpJob): Promise<HttpResult> {
  if (job.leadInS && job.leadInS > 0 && !job.storm) {
    if (job.warmupS > 0) await cannon(job, job.warmupS);
    return runWithLeadIn(job, job.leadInS);
  }
  const stormReady = job.storm ? prepareStorm({ ...job.storm, durationMs: job.durationS * 1000 }) : undefined;
  if (job.warmupS > 0) await cannon(job, job.warmupS);
  const storm = await stormReady;
  const tally: Tally = { samples: new Samples(), codes: {}, ok: 0 };
  const started = process.hrtime.bigint();
  const [result, stormResult] = await Promise.all([cannon(job, job.durationS, tally), storm?.run()]);
  const seconds = Math.min(elapsedMs(started) / 1000, result.duration || job.durationS) || job.durationS;
  const out: HttpResult = {
    reqPerSec: Math.round(tally.ok / seconds),
    ok: tally.ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: tally.codes,
    latency: tally.samples.summary(),
  };
  if (stormResult) out.storm = stormResult;
  return out;
}

async function runLookup(job: LookupJob): Promise<LookupResult> {
  const redis = createRedis(job.redisUrl, { connectionName: 'certgate-bench-lookup', commandTimeoutMs: 5000 });
  await redis.connect();
  // The gateway's own maintenance copy: lookups read only the registration, as requests do.
  const maintenance = new MaintenanceCache(redis);
  // No local copy: this measures the store read itself.
  const registrations = new RegistrationReader(redis);
  maintenance.start();
  const lookup = (issuerId: string, serial: string) => lookupGate(registrations, maintenance, issuerId, serial, 5000);
  for (let i = 0; i < 100 && !maintenance.current(); i++) await new Promise((r) => setTimeout(r, 20));
  const samples = new Samples();
  let found = 0;
  const deadline = Date.now() + job.maxMs;
  // Warm the script cache and the connection first.
  for (let i = 0; i < 200; i++) await lookup(...job.targets[i % job.targets.length]!);
  for (let i = 0; i < job.count && Date.now() < deadline; i++) {
    const [issuerId, serial] = job.targets[i % job.targets.length]!;
    const t0 = process.hrtime.bigint();
    const facts = await lookup(issuerId, serial);
    samples.add(elapsedMs(t0));
    if (facts.registration) found++;
  }
  maintenance.stop();
  redis.disconnect();
  return { count: samples.count, found, latency: samples.summary() };
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Job;
  const result = job.mode === 'http' ? await runHttp(job) : job.mode === 'lookup' ? await runLookup(job) : await handshakeLoop(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`loadgen: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
