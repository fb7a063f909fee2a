// CERTGATE_TLS_WATCH: reload when the certificate, key, CA bundle or CRL file changes on disk (for
// certbot hooks or mounted secrets), as SIGHUP would. Watches the folders, since renewals usually
// replace files by renaming (and Kubernetes swaps a symlink), and reloads only when the content of
// one of the files really changed.
import { createHash } from 'node:crypto';
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../log/logger.js';

/** Renewal tools write certificate and key one after the other: wait for both. */
const SETTLE_MS = 500;

function digest(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) {
    try {
      h.update(readFileSync(f));
    } catch {
      h.update(`missing:${f}`);
    }
  }
  return h.digest('hex');
}

/** Start watching; returns a function that stops it. */
export function watchMaterial(files: string[], reload: () => void, logger: Logger): () => void {
  let last = digest(files);
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = digest(files);
      if (now === last) return;
      last = now;
      logger.info('TLS material changed on disk: reloading');
      reload();
    }, SETTLE_MS);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(files.map((f) => dirname(f)))) {
    try {
      const w = watch(dir, { persistent: false }, changed);
      w.on('error', (err) => logger.warn({ dir, err: { message: err.message } }, 'cannot watch TLS material folder; use SIGHUP'));
      watchers.push(w);
    } catch (err) {
      logger.warn({ dir, err: { message: (err as Error).message } }, 'cannot watch TLS material folder; use SIGHUP');
    }
  }
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
