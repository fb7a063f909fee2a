// Raw HTTP/1.1 over a real mTLS socket, for what https.request cannot send: absolute-form targets,
// `OPTIONS *`, CONNECT, trickled headers.
import { connect, type TLSSocket } from 'node:tls';
import type { ClientCert } from './tls-client.js';
import { marker } from './tls-client.js';

export interface RawResponse {
  /** 0 when the server closed without an answer. */
  status: number;
  raw: string;
  page: string | undefined;
  reason: string | undefined;
}

export function openTls(port: number, caPem: string, client: ClientCert): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: caPem, cert: client.certPem, key: client.keyPem }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
export function readUntilClose(socket: TLSSocket): Promise<RawResponse> {
  return new Promise((resolve) => {
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (raw += c));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      resolve({ status, raw, page: marker(raw, 'data-page'), reason: marker(raw, 'data-reason') });
    });
  });
}

/** One raw request (send `Connection: close` in it) and the whole answer. */
export async function rawRequest(port: number, caPem: string, client: ClientCert, text: string): Promise<RawResponse> {
  const socket = await openTls(port, caPem, client);
  const done = readUntilClose(socket);
  socket.write(text);
  return done;
}
