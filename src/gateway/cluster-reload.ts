// Reload and revocation across cluster workers: the primary checks the material first and then
// tells every worker to reload (SIGHUP reaches the primary only), fetches CRLs once for all of them
// and forwards each accepted CRL; workers send back distribution points they learn (`cdp`).
import type { Worker } from 'node:cluster';
import { Registry } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { Check } from '../ops/readiness.js';
import { MaterialReloader, loadMaterial, materialFiles, type MaterialParts } from './material-reload.js';
import { watchMaterial } from './material-watch.js';
import { tlsMaterialCheck } from './material-checks.js';
import { setupRevocation, type RevocationSetup } from './revocation-setup.js';
import type { Gateway } from './create.js';

export interface CrlMessage {
  type: 'certgate:crl';
  /** base64 DER CRLs. */
  ders: string[];
  source: string;
}
/** A material set on the IPC channel (base64; the channel is the process's own pipe). */
export interface EncodedParts {
  cert: string;
  key: string;
  ca: string;
  crl?: string;
}
interface ReloadMessage {
  type: 'certgate:reload';
  generation: number;
  parts: EncodedParts;
}

export const encodeParts = (p: MaterialParts): EncodedParts => ({
  cert: p.cert.toString('base64'),
  key: p.key.toString('base64'),
  ca: p.ca.toString('base64'),
  ...(p.crl ? { crl: p.crl.toString('base64') } : {}),
});
export const decodeParts = (p: EncodedParts): MaterialParts => ({
  cert: Buffer.from(p.cert, 'base64'),
  key: Buffer.from(p.key, 'base64'),
  ca: Buffer.from(p.ca, 'base64'),
  crl: p.crl === undefined ? undefined : Buffer.from(p.crl, 'base64'),
});
interface ReloadedMessage {
  type: 'certgate:reloaded';
  generation: number;
  ok: boolean;
  error?: string;
}
interface CrlUrlsMessage {
  type: 'certgate:crl-urls';
  urls: string[];
}
type Message = CrlMessage | ReloadMessage | ReloadedMessage | CrlUrlsMessage | { type?: undefined };

const crlMessage = (ders: Buffer[], source: string): CrlMessage => ({ type: 'certgate:crl', ders: ders.map((d) => d.toString('base64')), source });

export interface PrimaryReload {
  /** Own registry (reload and CRL metrics), served next to the workers' aggregate. */
  registry: Registry;
  revocation: RevocationSetup;
  /** Current CRLs, for a worker that just started. */
  crlMessages(): CrlMessage[];
  /** The material in force, for a worker that just started (not the files, which may be broken by now). */
  parts(): EncodedParts;
  attach(worker: Worker): void;
  /** SIGHUP: reload here first, then in every worker. */
  reload(): void;
  tlsCheck(listening: () => string | undefined): Check;
  start(): Promise<void>;
  stop(): void;
}

export function primaryReload(config: Config, logger: Logger, workers: () => Worker[]): PrimaryReload {
  // Fail here, with one clear message, rather than in every worker.
  const material = loadMaterial(config);
  const registry = new Registry();
  const broadcast = (m: Message) => {
    for (const w of workers()) if (w.isConnected()) w.send(m);
  };
  const revocation = setupRevocation({
    config,
    logger,
    cas: material.trustedCas,
    registry,
    role: 'primary',
    onAccepted: (ders, source) => broadcast(crlMessage(ders, source)),
    // Read at scrape time, when `reloader` (below) exists.
    material: () => reloader.summary(),
  });
  const reloader = new MaterialReloader({ config, logger, revocation: revocation.revocation, initial: material, counter: revocation.metrics.tlsReloads });
  let generation = 0;
  let stopWatching = (): void => undefined;
  const applied = new Map<number, { generation: number; ok: boolean; error?: string }>();
  const onHup = () => {
    const result = reloader.reload();
    void revocation.fetcher?.refreshAll();
    if (!result.ok) return;
    generation++;
    // Workers apply exactly what was checked here: a file changed again meanwhile cannot split them.
    broadcast({ type: 'certgate:reload', generation, parts: encodeParts(reloader.parts()) });
  };
  return {
    registry,
    revocation,
    crlMessages: () => revocation.revocation.crls.entries().map((e) => crlMessage(e.ders, e.source)),
    parts: () => encodeParts(reloader.parts()),
    attach(worker) {
      worker.on('message', (m: Message) => {
        if (m?.type === 'certgate:reloaded') {
          applied.set(worker.id, { generation: m.generation, ok: m.ok, ...(m.error ? { error: m.error } : {}) });
          if (!m.ok) logger.error({ worker: worker.process.pid, err: { message: m.error } }, 'a worker could not apply the reloaded TLS material');
        }
        if (m?.type === 'certgate:crl-urls' && revocation.fetcher) void revocation.fetcher.add(m.urls);
      });
      // A worker started now gets the material in force: it is current.
      applied.set(worker.id, { generation, ok: true });
      worker.once('exit', () => applied.delete(worker.id));
    },
    tlsCheck(listening) {
      const check = tlsMaterialCheck({ listening, summary: () => reloader.summary(), revocation, config });
      return async () => {
        const result = await check();
        const behind = [...applied.values()].filter((a) => a.generation !== generation || !a.ok).length;
        return { ...result, detail: { ...(result.detail as object), generation, workersBehind: behind } };
      };
    },
    reload: onHup,
    async start() {
      await revocation.start();
      if (config.revocation.watchFiles) stopWatching = watchMaterial(materialFiles(config), onHup, logger);
    },
    stop() {
      stopWatching();
      revocation.stop();
    },
  };
}

/** Worker side: apply CRLs and reload orders from the primary; report the outcome back. */
export function workerReload(gateway: Gateway, logger: Logger): (m: unknown) => void {
  return (raw: unknown) => {
    const m = raw as Message;
    if (m?.type === 'certgate:crl') gateway.revocation.offerDers(m.ders.map((d) => Buffer.from(d, 'base64')), m.source);
    if (m?.type === 'certgate:reload') {
      const result = gateway.reload(decodeParts(m.parts));
      const reply: ReloadedMessage = { type: 'certgate:reloaded', generation: m.generation, ok: result.ok, ...(result.ok ? {} : { error: result.error }) };
      process.send?.(reply);
      if (!result.ok) logger.error({ err: { message: result.error } }, 'worker kept its TLS material');
    }
  };
}

/** Worker side: hand learnt distribution points to the primary, which fetches for everyone. */
export const sendCrlUrls = async (urls: string[]): Promise<void> => {
  process.send?.({ type: 'certgate:crl-urls', urls } satisfies CrlUrlsMessage);
};
