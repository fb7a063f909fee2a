// The certificate a TLS server presents now (SHA-256 fingerprint, lower-case hex without colons),
// read with a fresh connection.
import { connect } from 'node:tls';

export function presentedFingerprint(port: number, caPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: caPem, rejectUnauthorized: false }, () => {
      const fp = socket.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase();
      socket.destroy();
      resolve(fp);
    });
    socket.once('error', reject);
  });
}
