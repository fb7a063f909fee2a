// The portal stand-in behind every proxy in the bench: plain HTTP/1.1 keep-alive, a fixed ~1 KiB
// HTML page, no work per request — so the table measures the proxies, not the backend.
import { createServer } from 'node:http';
import { envInt, runClustered } from './clustered.js';
import { UPSTREAM_MARKER } from './shared.js';

const PAGE = Buffer.from(
  `<!doctype html><html><head><title>portal</title></head><body data-page="${UPSTREAM_MARKER}">` +
    `<p>${'capacity market notice '.repeat(38)}</p></body></html>\n`,
);

function startWorker(): void {
  const port = envInt('BENCH_UPSTREAM_PORT', 0);
  const server = createServer((req, res) => {
    // Drain any request body before answering, as a real backend would.
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': PAGE.length, 'cache-control': 'no-store' });
      res.end(PAGE);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1');
  process.once('SIGTERM', () => process.exit(0));
}

runClustered(envInt('BENCH_WORKERS', 1), startWorker);
