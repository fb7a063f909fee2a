// The certificate gate over real TLS: every kind of client certificate gets its page and reason,
// and every serial format an administrator may type matches the same certificate.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { displaySerial } from '../../src/tls/serial.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { keys } from '../../src/store/keys.js';
import { normaliseSerial } from '../../src/tls/serial.js';
import { encodeRegistration } from '../../src/registry/registration.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack();
});
t.teardown(() => stack.close());

t.test('a registered certificate reaches the login page; without a session the portal redirects there', async (t) => {
  for (const client of ['demo', 'demo-ec'] as const) {
    const login = await stack.request(client, '/auth/login');
    t.equal(login.status, 200, `${client}: login page`);
    t.equal(login.page, 'login');
    const home = await stack.request(client, '/registration?x=1');
    t.equal(home.status, 303, `${client}: redirected`);
    t.equal(home.headers.location, '/auth/login?next=%2Fregistration%3Fx%3D1');
  }
  t.equal(stack.upstream.received.length, 0, 'nothing reached the upstream without a session');
});

t.test('each certificate problem gets the login-error page with its reason', async (t) => {
  const cases = [
    [undefined, 'cert-missing'],
    ['foreign', 'cert-untrusted'],
    ['expired', 'cert-expired'],
    ['not-yet-valid', 'cert-not-yet-valid'],
    ['unregistered', 'cert-unregistered'],
  ] as const;
  for (const [client, reason] of cases) {
    for (const path of ['/', '/auth/login', '/auth/nope']) {
      const res = await stack.request(client, path);
      t.equal(res.status, 403, `${client ?? 'none'} ${path}: 403`);
      t.equal(res.page, 'login-error');
      t.equal(res.reason, reason);
    }
  }
  t.equal(stack.upstream.received.length, 0);
});

t.test('the unregistered page shows the serial the way browsers print it', async (t) => {
  const res = await stack.request('unregistered', '/');
  const serial = displaySerial(stack.pki.clients.unregistered.serial);
  t.match(serial, /^[0-9a-f]{2}( [0-9a-f]{2})+$/);
  t.ok(res.body.includes(serial), 'serial shown');
});

t.test('registration is checked on every request of a keep-alive connection', async (t) => {
  const { Agent } = await import('node:https');
  const cert = stack.pki.issueClient({ commonName: 'keep-alive' });
  await stack.register(cert);
  const agent = new Agent({ keepAlive: true, maxSockets: 1, cert: cert.certPem, key: cert.keyPem, ca: stack.pki.ca.certPem });
  t.teardown(() => agent.destroy());
  const first = await stack.request(cert, '/auth/login', { agent });
  t.equal(first.status, 200);
  const facts = readCertificate(cert.der);
  await stack.redis.client().del(keys.registration(facts.issuerId, facts.serial));
  const second = await stack.request(cert, '/auth/login', { agent });
  t.equal(second.status, 403, 'refused on the same connection once unregistered');
  t.equal(second.reason, 'cert-unregistered');
});

t.test('every serial format matches the same registration', async (t) => {
  // A serial whose first byte has the high bit set is encoded with a leading 00 in DER.
  const cert = stack.pki.issueClient({ commonName: 'formats', serialHex: '8a1b2c3d' });
  const facts = readCertificate(cert.der);
  t.equal(facts.serial, '8A1B2C3D');
  const admin = stack.redis.client();
  for (const typed of ['8a 1b 2c 3d', '8A:1B:2C:3D', '8a1b2c3d', '00 8a 1b 2c 3d', '008A1B2C3D', '0x8a1b2c3d']) {
    const serial = normaliseSerial(typed);
    await admin.set(keys.registration(facts.issuerId, serial), encodeRegistration({ issuerId: facts.issuerId, serial, operatorId: 'DEMO', addedAt: Date.now() }));
    const res = await stack.request(cert, '/auth/login');
    t.equal(res.status, 200, `registered as "${typed}"`);
    await admin.del(keys.registration(facts.issuerId, serial));
    const refused = await stack.request(cert, '/auth/login');
    t.equal(refused.reason, 'cert-unregistered');
  }
  await stack.register('demo');
  await stack.register('demo-ec');
});

t.test('rejections are counted by reason and logged with the serial', async (t) => {
  await stack.request('unregistered', '/');
  const metrics = await fetch(`http://127.0.0.1:${stack.gateway.opsPort}/metrics`).then((r) => r.text());
  t.match(metrics, /certgate_cert_rejections_total\{reason="cert-unregistered"\} [1-9]/);
  t.match(metrics, /certgate_cert_rejections_total\{reason="cert-missing"\} [1-9]/);
  const line = stack.logs.find((l) => l.outcome === 'cert-unregistered');
  t.ok(line, 'a log line for the rejection');
  t.equal(line?.serial, stack.pki.clients.unregistered.serial);
  t.equal(line?.status, 403);
  t.type(line?.requestId, 'string');
  t.type(line?.ms, 'number');
});
