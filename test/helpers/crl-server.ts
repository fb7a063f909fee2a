// A CA's CRL publication point for tests: a loopback HTTP server answering each path with the CRL
// (DER or PEM) the test put there, an HTTP error, or no answer at all (to exercise the timeout).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Answer = { body: Buffer | string; type: string } | { status: number } | 'hang';

export interface CrlServer {
  /** URL of a path, e.g. url('/ca.crl'). */
  url(path: string): string;
  der(path: string, der: Buffer): void;
  pem(path: string, pem: string): void;
  fail(path: string, status: number): void;
  hang(path: string): void;
  /** Requests received per path. */
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startCrlServer(): Promise<CrlServer> {
  const answers = new Map<string, Answer>();
  const hits = new Map<string, number>();
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const a = answers.get(path);
    if (a === 'hang') return void hanging.push(res);
    if (!a) return void res.writeHead(404).end();
    if ('status' in a) return void res.writeHead(a.status).end();
    res.writeHead(200, { 'content-type': a.type }).end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    der: (path, der) => answers.set(path, { body: der, type: 'application/pkix-crl' }),
    pem: (path, pem) => answers.set(path, { body: pem, type: 'application/x-pem-file' }),
    fail: (path, status) => answers.set(path, { status }),
    hang: (path) => answers.set(path, 'hang'),
    hits: (path) => hits.get(path) ?? 0,
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
