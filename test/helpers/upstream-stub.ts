// A stand-in portal backend for gateway tests: records what it received and can be slow or stream.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface UpstreamStub {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** Requests whose response was cut because the client went away. */
  aborted: number;
  /** `/hold` requests waiting for release(): in flight for exactly as long as a test wants. */
  held: number;
  /** Answer every held request with 200 `done`. */
  release(): void;
  close(): Promise<void>;
}

export async function startUpstreamStub(): Promise<UpstreamStub> {
  const received: ReceivedRequest[] = [];
  const stub = { received, aborted: 0, held: 0 } as UpstreamStub;
  const holding = new Set<() => void>();
  stub.release = () => {
    for (const answer of [...holding]) answer();
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      received.push(entry);
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/slow') {
        const timer = setTimeout(() => res.end('late'), 5000);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      if (path === '/hold') {
        const answer = () => {
          holding.delete(answer);
          stub.held = holding.size;
          res.end('done');
        };
        holding.add(answer);
        stub.held = holding.size;
        res.on('close', () => {
          holding.delete(answer);
          stub.held = holding.size;
        });
        return;
      }
      if (path === '/delay') {
        const timer = setTimeout(() => res.end('done'), 300);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      if (path === '/stream') {
        // About 8 MiB in 64 KiB chunks, written as the client reads.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        let left = 128;
        const pump = () => {
          while (left > 0) {
            left -= 1;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => {
          if (!res.writableFinished) stub.aborted += 1;
        });
        return pump();
      }
      if (path === '/set-cookies') {
        res.writeHead(200, {
          'set-cookie': ['portal=1; Path=/', '__Host-certgate-session=forged; Path=/; Secure'],
          connection: 'x-secret-hop',
          'x-secret-hop': 'leak',
        });
        return void res.end('ok');
      }
      if (path === '/utf8-header') {
        // Raw UTF-8 bytes in header values (Node writes a string's latin1 code units as bytes).
        const bytes = Buffer.from('見積書 2026.pdf').toString('latin1');
        res.writeHead(200, { 'x-file-name': bytes, 'content-disposition': `attachment; filename="${bytes}"`, 'content-length': '2' });
        return void res.end(Buffer.from('ok')); // a Buffer: with a string body Node would send the head as UTF-8
      }
      if (path === '/own-headers') {
        // A portal page with its own policy: the gateway must pass these through untouched.
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'",
          'x-frame-options': 'SAMEORIGIN',
          'referrer-policy': 'no-referrer',
        });
        return void res.end('<!doctype html><script>1</script>');
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'stub' });
      res.end(JSON.stringify(entry));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  stub.port = port;
  stub.url = `http://127.0.0.1:${port}`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stub;
}
