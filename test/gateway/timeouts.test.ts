// Node checks headersTimeout/requestTimeout on connectionsCheckingInterval (30 s by default): a client
// trickling its headers must be cut within about CERTGATE_HEADERS_TIMEOUT, not up to 30 s later.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { openTls, readUntilClose } from '../helpers/raw-tls.js';
import { checkingInterval } from '../../src/gateway/create.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_HEADERS_TIMEOUT: '1s', CERTGATE_REQUEST_TIMEOUT: '2s' } });
});
t.teardown(() => stack.close());

/** Open a connection, send `first`, then one more byte every 200 ms until the server closes it. */
async function trickle(first: string, next: string): Promise<{ seconds: number; status: number }> {
  const socket = await openTls(stack.gateway.port, stack.pki.ca.certPem, stack.pki.clients.demo);
  const started = Date.now();
  const closed = readUntilClose(socket);
  socket.write(first);
  const timer = setInterval(() => socket.writable && socket.write(next), 200);
  // A bound so the test ends even on a gateway that never cuts (the old 30 s interval).
  const giveUp = setTimeout(() => socket.destroy(), 10_000);
  const res = await closed;
  clearInterval(timer);
  clearTimeout(giveUp);
  return { seconds: (Date.now() - started) / 1000, status: res.status };
}

t.test('trickled headers are cut within about CERTGATE_HEADERS_TIMEOUT', async (t) => {
  const { seconds, status } = await trickle('GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 'a');
  t.ok(seconds < 5, `cut after ${seconds.toFixed(1)} s (headers timeout 1 s; Node's default check would take up to 30 s)`);
  t.equal(status, 408, 'with 408 Request Timeout');
});

t.test('a trickled body is cut within about CERTGATE_REQUEST_TIMEOUT', async (t) => {
  const { seconds } = await trickle('POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n', 'a');
  t.ok(seconds < 6, `cut after ${seconds.toFixed(1)} s (request timeout 2 s)`);
});

t.test('the checking interval follows the configured timeouts', async (t) => {
  t.equal(checkingInterval(15_000, 60_000), 1000);
  t.equal(checkingInterval(1000, 2000), 100);
  t.equal(checkingInterval(100, 100), 50);
});
