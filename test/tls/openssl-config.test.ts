// bin/certgate-openssl.cnf, the OpenSSL settings the container image gives the gateway (OPENSSL_CONF):
// a real node:tls server started with it sends one TLS 1.3 ticket per full handshake instead of two, and
// a client still resumes with that ticket, again and again, with the client certificate intact.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { testPki } from '../helpers/pki.js';

const CONFIG = fileURLToPath(new URL('../../bin/certgate-openssl.cnf', import.meta.url));

// A server like the gateway's listener (client certificate requested), reporting each connection's
// resumption and whether it still knows the client certificate.
const SERVER = `
import { createServer } from 'node:tls';
const s = createServer({ cert: process.env.T_CERT, key: process.env.T_KEY, ca: process.env.T_CA, requestCert: true, rejectUnauthorized: false }, (socket) => {
  socket.end(JSON.stringify({ reused: socket.isSessionReused(), cert: Boolean(socket.getPeerX509Certificate()) }));
});
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));
`;

async function startServer(t: Test, env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Promise<number> {
  const pki = testPki();
  const child = spawn(process.execPath, [...nodeFlags, '--input-type=module', '-e', SERVER], {
    env: { ...env, T_CERT: pki.serverEc.certPem, T_KEY: pki.serverEc.keyPem, T_CA: pki.ca.certPem },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => void child.kill());
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return Number(line.toString().trim());
}

interface Outcome {
  tickets: Buffer[];
  answer: { reused: boolean; cert: boolean };
}

function exchange(port: number, session?: Buffer): Promise<Outcome> {
  const pki = testPki();
  return new Promise((resolve, reject) => {
    const tickets: Buffer[] = [];
    let body = '';
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: pki.ca.certPem,
      minVersion: 'TLSv1.3',
      ...(session ? { session } : { cert: pki.clients.demo.certPem, key: pki.clients.demo.keyPem }),
    });
    socket.on('session', (s: Buffer) => tickets.push(s));
    socket.on('data', (b: Buffer) => (body += b.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ tickets, answer: JSON.parse(body) as Outcome['answer'] }));
  });
}

t.test('with the shipped OpenSSL config: one ticket per handshake, resumption intact', async (t) => {
  const port = await startServer(t, { ...process.env, OPENSSL_CONF: CONFIG });
  const full = await exchange(port);
  t.equal(full.tickets.length, 1, 'one TLS 1.3 ticket after the full handshake');
  t.same(full.answer, { reused: false, cert: true });
  const resumed = await exchange(port, full.tickets[0]);
  t.same(resumed.answer, { reused: true, cert: true }, 'the ticket resumes and still carries the client certificate');
  // node:tls renews no ticket on resumption (with or without this file): the client offers the same one again.
  const again = await exchange(port, resumed.tickets[0] ?? full.tickets[0]);
  t.same(again.answer, { reused: true, cert: true }, 'the next connection resumes too');
});

t.test("without it: OpenSSL's default of two tickets (what the setting changes)", async (t) => {
  const env = { ...process.env };
  delete env.OPENSSL_CONF;
  const port = await startServer(t, env);
  const full = await exchange(port);
  t.equal(full.tickets.length, 2);
});

t.test('npm start (the demo) passes the same file with --openssl-config', async (t) => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const start = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const flag = /--openssl-config=(\S+)/.exec(start);
  t.ok(flag, `the start script names the file (${start})`);
  const env = { ...process.env };
  delete env.OPENSSL_CONF;
  const port = await startServer(t, env, [`--openssl-config=${root}${flag?.[1] ?? ''}`]);
  t.equal((await exchange(port)).tickets.length, 1, 'one TLS 1.3 ticket');
});
