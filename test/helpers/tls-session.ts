// Raw TLS connections for resumption tests: one HTTP/1.1 request per connection, reporting whether
// the TLS session was resumed and what the gateway answered.
import { connect, type ConnectionOptions } from 'node:tls';
import { marker } from './tls-client.js';

export interface TlsExchange {
  reused: boolean;
  session: Buffer | undefined;
  status: number;
  page: string | undefined;
  reason: string | undefined;
}

export function tlsExchange(port: number, options: ConnectionOptions, path = '/auth/login'): Promise<TlsExchange> {
  return new Promise((resolve, reject) => {
    let session: Buffer | undefined;
    let data = '';
    let reused = false;
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', minVersion: 'TLSv1.3', ...options }, () => {
      // Read now: once the socket is closed the answer is gone.
      reused = socket.isSessionReused();
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    socket.on('session', (s: Buffer) => (session = s));
    socket.on('data', (b: Buffer) => (data += b.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ reused, session, status, page: marker(data, 'data-page'), reason: marker(data, 'data-reason') });
    });
  });
}
