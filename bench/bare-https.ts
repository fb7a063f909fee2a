// The floor for new connections: a bare node:https server with the gateway's certificate, key and
// client CA, asking for a client certificate the same way (requestCert, no rejection), answering the
// upstream stand-in's page by itself — no registry, no session, no proxy. The gap between its CPU per
// handshake and the gateway's is what certgate adds to a new connection.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { envInt, runClustered } from './clustered.js';
import { UPSTREAM_MARKER } from './shared.js';

const PAGE = Buffer.from(`<!doctype html><html><body data-page="${UPSTREAM_MARKER}"><p>${'capacity market notice '.repeat(38)}</p></body></html>\n`);

function startWorker(): void {
  const file = (name: string): Buffer => readFileSync(process.env[name] ?? '');
  const server = createServer(
    { cert: file('BENCH_BARE_CERT'), key: file('BENCH_BARE_KEY'), ca: file('BENCH_BARE_CA'), requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': PAGE.length, 'cache-control': 'no-store' });
        res.end(PAGE);
      });
    },
  );
  server.keepAliveTimeout = 65_000;
  server.listen(envInt('BENCH_BARE_PORT', 0), '127.0.0.1');
  process.once('SIGTERM', () => process.exit(0));
}

runClustered(envInt('BENCH_WORKERS', 1), startWorker);
