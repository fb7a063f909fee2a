// Runs a stand-in server in `workers` processes sharing one port (node:cluster), like the gateway's
// CERTGATE_WORKERS, so each side of the comparison gets the same number of server processes.
import cluster from 'node:cluster';

export function runClustered(workers: number, startWorker: () => void): void {
  if (workers <= 1 || cluster.isWorker) {
    startWorker();
    return;
  }
  for (let i = 0; i < workers; i++) cluster.fork();
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Positive integer from the environment, else `fallback`. */
export function envInt(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
