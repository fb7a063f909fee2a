// A real TLS client for tests: one HTTPS request presenting a chosen client certificate.
import { request, Agent } from 'node:https';

export interface ClientCert {
  certPem: string;
  keyPem: string;
}

export interface TlsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** data-page / data-reason / data-error markers of an HTML body. */
  page: string | undefined;
  reason: string | undefined;
  error: string | undefined;
}

export interface TlsRequestOptions {
  port: number;
  caPem: string;
  client?: ClientCert | undefined;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: Agent;
}

export const marker = (html: string, name: string): string | undefined => {
  const body = /<body[^>]*>/.exec(html)?.[0] ?? '';
  return new RegExp(`${name}="([^"]*)"`).exec(body)?.[1];
};

export function tlsRequest(o: TlsRequestOptions): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: o.port,
        method: o.method ?? 'GET',
        path: o.path ?? '/',
        ca: o.caPem,
        ...(o.client ? { cert: o.client.certPem, key: o.client.keyPem } : {}),
        headers: { ...(o.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...o.headers },
        agent: o.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            page: marker(body, 'data-page'),
            reason: marker(body, 'data-reason'),
            error: marker(body, 'data-error'),
          });
        });
      },
    );
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}
