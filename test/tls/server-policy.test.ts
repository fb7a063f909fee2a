// The mTLS listener's protocol choices, seen from real clients: TLS 1.2+ only, ECDHE key exchange and
// AEAD ciphers only, the server's order deciding — on the first secure context and after a reload.
import t, { type Test } from 'tap';
import { connect, createServer, type ConnectionOptions, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { startStack } from '../helpers/stack.js';
import { testPki } from '../helpers/pki.js';
import { SERVER_TLS_POLICY } from '../../src/tls/server-policy.js';

type Outcome = { ok: true; protocol: string | null; cipher: string } | { ok: false; error: string };

function handshake(port: number, options: ConnectionOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: testPki().ca.certPem, ...options }, () => {
      const outcome: Outcome = { ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().standardName };
      socket.destroy();
      resolve(outcome);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message }));
  });
}

const tls12 = (ciphers: string): ConnectionOptions => ({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers });

async function refusesWeakAndPrefersItsOwn(t: Test, port: number, auth: 'RSA' | 'ECDSA'): Promise<void> {
  for (const [what, ciphers] of [
    ['CBC', `ECDHE-${auth}-AES128-SHA256:ECDHE-${auth}-AES256-SHA384:ECDHE-${auth}-AES128-SHA`],
    ['static RSA key exchange', 'AES128-GCM-SHA256:AES256-GCM-SHA384'],
    ['finite-field DHE', 'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384'],
  ]) {
    t.match(await handshake(port, tls12(ciphers!)), { ok: false }, `TLS 1.2 offering only ${what} suites is refused`);
  }
  t.match(await handshake(port, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), { ok: false }, 'TLS 1.1 is refused');
  t.match(
    await handshake(port, tls12(`ECDHE-${auth}-AES256-GCM-SHA384:ECDHE-${auth}-AES128-GCM-SHA256`)),
    { ok: true, protocol: 'TLSv1.2', cipher: `TLS_ECDHE_${auth}_WITH_AES_128_GCM_SHA256` },
    'TLS 1.2 with ECDHE + AEAD is accepted, in the server order',
  );
  t.match(
    await handshake(port, tls12(`ECDHE-${auth}-CHACHA20-POLY1305`)),
    { ok: true, cipher: `TLS_ECDHE_${auth}_WITH_CHACHA20_POLY1305_SHA256` },
    'a client without AES hardware still gets ChaCha20-Poly1305',
  );
  t.match(
    await handshake(port, { ciphers: 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256' }),
    { ok: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
    'TLS 1.3: the server order decides',
  );
}

t.test('the gateway listener (RSA certificate), before and after a reload', async (t) => {
  const stack = await startStack();
  t.teardown(() => stack.close());
  await refusesWeakAndPrefersItsOwn(t, stack.gateway.port, 'RSA');
  t.equal(stack.gateway.reload().ok, true, 'material reloaded (a new secure context)');
  await refusesWeakAndPrefersItsOwn(t, stack.gateway.port, 'RSA');
});

t.test('the same policy with an ECDSA certificate', async (t) => {
  const pki = testPki();
  const server: Server = createServer({ cert: pki.serverEc.certPem, key: pki.serverEc.keyPem, ...SERVER_TLS_POLICY }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  await refusesWeakAndPrefersItsOwn(t, (server.address() as AddressInfo).port, 'ECDSA');
});
