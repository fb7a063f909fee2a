// Proxying with a live session: identity headers and assertion reach the upstream, spoofed and
// hop-by-hop headers do not, bodies stream both ways, upstream failures get their pages.
import t from 'tap';
import { request as httpsRequest } from 'node:https';
import { startStack, TEST_SECRET, type Stack } from '../helpers/stack.js';
import { checkAssertion, identityOf } from '../../src/proxy/assertion.js';
import { deriveKeys } from '../../src/config/derived-keys.js';

const verifyIdentity = (key: Buffer, got: { method: string; url: string; headers: Record<string, string> }) => {
  const checked = checkAssertion(key, got);
  return checked ? identityOf(checked) : undefined;
};

let stack: Stack;
let cookie: string;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_UPSTREAM_TIMEOUT: '1s' } });
  const password = await stack.createUser('taro', { name: '山田 太郎', roles: ['operator-staff', 'reviewer'] });
  cookie = await stack.login('demo', 'taro', password);
});
t.teardown(() => stack.close());

const last = () => stack.upstream.received[stack.upstream.received.length - 1]!;

t.test('the upstream receives the signed identity and nothing the client invented', async (t) => {
  const res = await stack.request('demo', '/registration?step=2', {
    cookie: `${cookie}; portal-pref=blue`,
    headers: {
      'X-Certgate-User': 'admin',
      'X-Certgate-Roles': 'operator-admin',
      'X-Certgate-Assertion': 'v1.0.forged',
      'X-Forwarded-For': '203.0.113.9',
      'X-Forwarded-Host': 'evil.example',
      Forwarded: 'for=203.0.113.9',
      Connection: 'keep-alive, X-Hop-Secret',
      'X-Hop-Secret': 'must-not-pass',
      'X-Custom': 'kept',
    },
  });
  t.equal(res.status, 200);
  t.equal(res.headers['x-upstream'], 'stub');
  const got = last();
  t.equal(got.url, '/registration?step=2');
  t.equal(got.headers['x-certgate-user'], 'taro');
  t.equal(got.headers['x-certgate-operator'], 'DEMO');
  t.equal(got.headers['x-certgate-roles'], 'operator-staff,reviewer');
  t.equal(got.headers['x-certgate-cert-serial'], stack.pki.clients.demo.serial);
  t.match(String(got.headers['x-certgate-cert-not-after']), /^\d{4}-\d{2}-\d{2}T/);
  t.equal(got.headers['x-forwarded-for'], '127.0.0.1');
  t.equal(got.headers['x-forwarded-proto'], 'https');
  t.not(got.headers['x-forwarded-host'], 'evil.example');
  t.equal(got.headers.forwarded, undefined);
  t.equal(got.headers['x-hop-secret'], undefined, 'header named in Connection removed');
  t.equal(got.headers['x-custom'], 'kept');
  t.equal(got.headers.cookie, 'portal-pref=blue', "the gateway's cookies stay at the gateway");
  const identity = verifyIdentity(deriveKeys(Buffer.from(TEST_SECRET)).assertion, got as never);
  t.ok(identity, 'assertion verifies with the shared secret');
  t.equal(identity?.userName, '山田 太郎');
  t.equal(verifyIdentity(deriveKeys(Buffer.from('another-secret-another-secret-xx')).assertion, got as never), undefined);
});

t.test('request bodies stream to the upstream', async (t) => {
  const body = 'x'.repeat(200_000);
  const res = await stack.request('demo', '/upload', { method: 'POST', cookie, body, headers: { 'content-type': 'text/plain' } });
  t.equal(res.status, 200);
  t.equal(last().body.length, 200_000);
  t.equal(last().method, 'POST');
});

t.test('upstream cookies pass, the gateway cookie and Connection-named headers do not', async (t) => {
  const res = await stack.request('demo', '/set-cookies', { cookie });
  t.equal(res.status, 200);
  t.same(res.headers['set-cookie'], ['portal=1; Path=/']);
  t.equal(res.headers['x-secret-hop'], undefined);
  t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
});

t.test('header values pass byte for byte, raw UTF-8 included', async (t) => {
  const res = await stack.request('demo', '/utf8-header', { cookie });
  t.equal(res.status, 200);
  const bytes = Buffer.from('見積書 2026.pdf').toString('latin1');
  t.equal(res.headers['x-file-name'], bytes);
  t.equal(res.headers['content-disposition'], `attachment; filename="${bytes}"`);
});

t.test('a slow upstream gets 504, a client that leaves mid-response does no harm', async (t) => {
  const slow = await stack.request('demo', '/slow', { cookie });
  t.equal(slow.status, 504);
  t.equal(slow.page, 'system-error');
  t.equal(slow.reason, 'upstream-timeout');

  await new Promise<void>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: stack.gateway.port,
        path: '/stream',
        servername: 'localhost',
        ca: stack.pki.ca.certPem,
        cert: stack.pki.clients.demo.certPem,
        key: stack.pki.clients.demo.keyPem,
        headers: { cookie },
        agent: false,
      },
      (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      },
    );
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end();
  });
  for (const until = Date.now() + 60_000; stack.upstream.aborted === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
  t.equal(stack.upstream.aborted, 1, 'the upstream request was aborted too');
  const after = await stack.request('demo', '/after', { cookie });
  t.equal(after.status, 200, 'the gateway still serves');
});

t.test('a refused upstream gets 502', async (t) => {
  await stack.upstream.close();
  const res = await stack.request('demo', '/anything', { cookie });
  t.equal(res.status, 502);
  t.equal(res.page, 'system-error');
  t.equal(res.reason, 'upstream-refused');
  t.notMatch(res.body, /at .*\.js:\d+/, 'no stack trace');
});
