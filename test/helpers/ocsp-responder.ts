// A real OCSP responder for tests: `openssl ocsp -port` on a free loopback port, answering from an
// OpenSSL index file the test writes (V = good, R = revoked), signed by a delegated responder cert.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ca, Issued } from '../../src/tls/pki.js';
import { issueOcspResponder } from '../../src/tls/pki-revocation.js';
import { freePort } from './redis-server.js';

export interface OcspResponder {
  url: string;
  /** Requests answered so far (from the responder's own log lines). */
  requests(): number;
  stop(): Promise<void>;
}

export interface IndexEntry {
  cert: Issued;
  revokedAt?: Date;
}

/** OpenSSL's ca index time format: YYMMDDHHMMSSZ. */
const indexTime = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

export function writeIndex(file: string, entries: IndexEntry[]): void {
  const farFuture = new Date(Date.now() + 3650 * 86_400_000);
  const lines = entries.map((e) =>
    [e.revokedAt ? 'R' : 'V', indexTime(farFuture), e.revokedAt ? indexTime(e.revokedAt) : '', e.cert.serial, 'unknown', '/CN=test'].join('\t'),
  );
  writeFileSync(file, lines.length ? `${lines.join('\n')}\n` : '');
}

/** Start `openssl ocsp` for `ca`; `validMinutes` sets nextUpdate (omit: responses without nextUpdate). */
export async function startOcspResponder(ca: Ca, entries: IndexEntry[], o: { validMinutes?: number; port?: number } = {}): Promise<OcspResponder> {
  const dir = mkdtempSync(join(tmpdir(), 'certgate-ocsp-'));
  const signer = issueOcspResponder(ca);
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'ocsp.crt'), signer.certPem);
  writeFileSync(join(dir, 'ocsp.key'), signer.keyPem);
  writeIndex(join(dir, 'index.txt'), entries);
  const port = o.port ?? (await freePort());
  const args = ['ocsp', '-port', String(port), '-index', join(dir, 'index.txt'), '-CA', join(dir, 'ca.crt'), '-rsigner', join(dir, 'ocsp.crt'), '-rkey', join(dir, 'ocsp.key')];
  if (o.validMinutes !== undefined) args.push('-nmin', String(o.validMinutes));
  const child: ChildProcess = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let answered = 0;
  const onData = (b: Buffer) => {
    output += b.toString();
    answered = (output.match(/Received request/g) ?? []).length;
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => child.kill('SIGKILL'));
  // Ready once it says so: a probe connection would block this single-threaded server.
  for (const until = Date.now() + 60_000; !/waiting for OCSP client connections/.test(output); ) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`openssl ocsp did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => answered,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
