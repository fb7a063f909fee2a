// A small HTTPS client presenting the bench's client certificate: the login flow, the login storm and
// the readiness checks use it (autocannon drives the measured load).
import { request as httpsRequest, Agent } from 'node:https';
import { request as httpRequest } from 'node:http';

export interface ClientTls {
  certPem: string;
  keyPem: string;
  caPem: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RequestOptions {
  port: number;
  tls: ClientTls;
  method?: string;
  path?: string;
  cookie?: string;
  form?: Record<string, string>;
  agent?: Agent;
  timeoutMs?: number;
}

export function httpsCall(o: RequestOptions): Promise<Reply> {
  const body = o.form ? new URLSearchParams(o.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: o.port,
        method: o.method ?? (body ? 'POST' : 'GET'),
        path: o.path ?? '/',
        ca: o.tls.caPem,
        cert: o.tls.certPem,
        key: o.tls.keyPem,
        agent: o.agent ?? false,
        headers: {
          ...(o.cookie ? { cookie: o.cookie } : {}),
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.setTimeout(o.timeoutMs ?? 15_000, () => req.destroy(new Error(`request to ${o.path ?? '/'} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Plain HTTP GET (ops listener, stand-ins): status and body, or a rejection. */
export function httpGet(url: string, timeoutMs = 2000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Cookie pairs from Set-Cookie headers merged into a Cookie header value (cleared cookies removed). */
export function mergeCookies(existing: string | undefined, setCookie: string | string[] | undefined): string {
  const jar = new Map<string, string>();
  for (const pair of (existing ?? '').split(';')) {
    const [k, ...v] = pair.trim().split('=');
    if (k) jar.set(k, v.join('='));
  }
  for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const [k, ...v] = (line.split(';')[0] ?? '').trim().split('=');
    if (!k) continue;
    const value = v.join('=');
    if (value === '' || /Max-Age=0/i.test(line)) jar.delete(k);
    else jar.set(k, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

export const csrfOf = (html: string): string =>
  /name="_csrf"[^>]*value="([^"]+)"/.exec(html)?.[1] ?? /value="([^"]+)"[^>]*name="_csrf"/.exec(html)?.[1] ?? '';

export const pageOf = (html: string): string | undefined => /<body[^>]*data-page="([^"]*)"/.exec(html)?.[1];
