// The client certificate read from the TLS session is byte for byte the one OpenSSL verified, on every
// kind of connection the gateway accepts: TLS 1.3 and 1.2, full and resumed (ticket, session id), with
// an RSA or ECDSA client certificate, and none at all when the client presented none.
import t, { type Test } from 'tap';
import { constants } from 'node:crypto';
import { createServer, connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { peerCertificateDer, peerDerOfSession } from '../../src/tls/peer-der.js';
import { attachSessionCache, TlsSessionCache } from '../../src/tls/session-cache.js';
import { testPki } from '../helpers/pki.js';

interface Seen {
  protocol: string | null;
  reused: boolean;
  der: Buffer | undefined;
  viaX509: Buffer | undefined;
  /** What the session alone yields: undefined would mean the slow fallback answered. */
  fromSession: Buffer | null | undefined;
}

async function startServer(t: Test): Promise<{ port: number; seen: Seen[] }> {
  const pki = testPki();
  const seen: Seen[] = [];
  const server = createServer(
    { cert: pki.serverEc.certPem, key: pki.serverEc.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    (socket: TLSSocket) => {
      seen.push({
        protocol: socket.getProtocol(),
        reused: socket.isSessionReused(),
        der: peerCertificateDer(socket),
        viaX509: socket.getPeerX509Certificate()?.raw,
        fromSession: peerDerOfSession(socket.getSession() ?? Buffer.alloc(0)),
      });
      socket.end('ok');
    },
  );
  // The gateway's session-id cache, so TLS 1.2 clients without tickets resume too.
  attachSessionCache(server, new TlsSessionCache());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, seen };
}

function exchange(port: number, options: ConnectionOptions): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    let session: Buffer | undefined;
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: testPki().ca.certPem, ...options });
    socket.on('session', (s: Buffer) => (session = s));
    socket.on('data', () => undefined);
    socket.on('error', reject);
    socket.on('close', () => resolve(session));
  });
}

t.test('the DER from the session equals the verified certificate on every kind of connection', async (t) => {
  const pki = testPki();
  const { port, seen } = await startServer(t);
  const tls13: ConnectionOptions = { minVersion: 'TLSv1.3' };
  const tls12SessionId: ConnectionOptions = { maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET };
  const tls12Ticket: ConnectionOptions = { maxVersion: 'TLSv1.2' };
  const cases: Array<[string, ConnectionOptions, 'demo' | 'demo-ec']> = [
    ['TLS 1.3, RSA', tls13, 'demo'],
    ['TLS 1.3, ECDSA', tls13, 'demo-ec'],
    ['TLS 1.2 session id, ECDSA', tls12SessionId, 'demo-ec'],
    ['TLS 1.2 ticket, RSA', tls12Ticket, 'demo'],
  ];
  for (const [name, options, client] of cases) {
    const expected = pki.clients[client].der;
    const session = await exchange(port, { ...options, cert: pki.clients[client].certPem, key: pki.clients[client].keyPem });
    t.ok(session, `${name}: the client got a session to resume`);
    // Resumed without offering the certificate again: the server's session must still carry it.
    await exchange(port, { ...options, session: session! });
    const [full, resumed] = seen.splice(0, 2);
    t.equal(full!.reused, false, `${name}: first connection is a full handshake`);
    t.equal(resumed!.reused, true, `${name}: second connection is resumed`);
    for (const [which, s] of [['full', full!], ['resumed', resumed!]] as const) {
      t.ok(s.der?.equals(expected), `${name}, ${which}: the client certificate's DER`);
      t.ok(s.viaX509?.equals(s.der!), `${name}, ${which}: the same bytes getPeerX509Certificate() reports`);
      t.ok(s.fromSession?.equals(expected), `${name}, ${which}: read from the session, not the fallback`);
    }
  }
});

t.test('no certificate presented: none reported, also on resumption', async (t) => {
  const { port, seen } = await startServer(t);
  for (const options of [{ minVersion: 'TLSv1.3' }, { maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET }] as ConnectionOptions[]) {
    const session = await exchange(port, options);
    const pki = testPki();
    // Offering a certificate on resumption does not add one to the resumed session.
    await exchange(port, { ...options, session: session!, cert: pki.clients.demo.certPem, key: pki.clients.demo.keyPem });
    const [full, resumed] = seen.splice(0, 2);
    t.equal(full!.der, undefined, `${full!.protocol}: full handshake without a certificate`);
    t.equal(resumed!.reused, true);
    t.equal(resumed!.der, undefined, `${resumed!.protocol}: resumed session without a certificate`);
    t.equal(resumed!.viaX509, undefined, 'OpenSSL agrees');
    t.equal(full!.fromSession, null, 'the session says so itself (no fallback)');
    t.equal(resumed!.fromSession, null);
  }
});

t.test('bytes that are not a serialised session are refused, not misread', async (t) => {
  t.equal(peerDerOfSession(Buffer.from('not a session')), undefined);
  t.equal(peerDerOfSession(Buffer.alloc(0)), undefined);
  t.equal(peerDerOfSession(Buffer.from('3003020101ff', 'hex')), undefined, 'trailing bytes after the SEQUENCE');
  t.equal(peerDerOfSession(Buffer.from('3005a303020101', 'hex')), undefined, 'a [3] that holds no certificate SEQUENCE');
  t.equal(peerDerOfSession(Buffer.from('3003020101', 'hex')), null, 'a well-formed session without a peer');
  const der = testPki().clients.demo.der;
  const wrapped = Buffer.concat([Buffer.from([0xa3, 0x82, der.length >> 8, der.length & 0xff]), der]);
  const session = Buffer.concat([Buffer.from([0x30, 0x82, (wrapped.length + 3) >> 8, (wrapped.length + 3) & 0xff, 0x02, 0x01, 0x01]), wrapped]);
  const found = peerDerOfSession(session);
  t.ok(found?.equals(der), 'the certificate inside [3]');
  session.fill(0);
  t.ok(found?.equals(der), 'a copy: clearing the session leaves it intact');
});
