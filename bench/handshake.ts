// New mTLS connections per second: N loops each doing connect → handshake → one HTTP/1.1 request
// with `Connection: close` → read to the end, for a fixed time. Without `resume` no session is ever
// offered, so every connection is a full handshake (resumed ones are counted, and should be 0); with
// it each loop offers the session of its previous connection: a TLS 1.3 ticket, or a TLS 1.2 session
// id with tickets refused (only a server-side session cache can resume those).
import { constants } from 'node:crypto';
import { connect, createSecureContext, type SecureContext } from 'node:tls';
import { Samples, elapsedMs, type LatencySummary } from './stats.js';

export interface HandshakeSpec {
  port: number;
  certPem: string;
  keyPem: string;
  caPem: string;
  /** Raw request head (must say Connection: close). */
  request: string;
  concurrency: number;
  durationMs: number;
  resume?: 'ticket' | 'session-id';
}

export interface HandshakeResult {
  completed: number;
  perSec: number;
  failed: number;
  /** Answers other than 200 (counted as failed too). */
  non200: number;
  resumed: number;
  connectToResponse: LatencySummary;
  firstError?: string;
}

const CONNECT_TIMEOUT_MS = 5000;

function oneConnection(spec: HandshakeSpec, context: SecureContext, offer: Buffer | undefined): Promise<{ status: number; resumed: boolean; session: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: spec.port,
      servername: 'localhost',
      secureContext: context,
      rejectUnauthorized: true,
      ...(spec.resume === 'session-id' ? { maxVersion: 'TLSv1.2' as const } : {}),
      ...(offer ? { session: offer } : {}),
    });
    const chunks: Buffer[] = [];
    let resumed = false;
    let session: Buffer | undefined;
    if (spec.resume) socket.on('session', (s: Buffer) => (session = s));
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error('connection timed out')));
    socket.once('secureConnect', () => {
      resumed = socket.isSessionReused();
      // write, not end: a half-closed client reads as "client went away" to a proxy (nginx answers 499).
      socket.write(spec.request);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    // The server closes after its answer (Connection: close); end our side too.
    socket.once('end', () => socket.end());
    socket.once('error', reject);
    socket.once('close', () => {
      const head = Buffer.concat(chunks).subarray(0, 16).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      if (!status) return reject(new Error(`no HTTP answer (${chunks.length} chunks)`));
      resolve({ status: Number(status), resumed, session });
    });
  });
}

export async function handshakeLoop(spec: HandshakeSpec): Promise<HandshakeResult> {
  const context = createSecureContext({
    cert: spec.certPem,
    key: spec.keyPem,
    ca: spec.caPem,
    ...(spec.resume === 'session-id' ? { maxVersion: 'TLSv1.2' as const, secureOptions: constants.SSL_OP_NO_TICKET } : {}),
  });
  const samples = new Samples();
  const result = { completed: 0, failed: 0, non200: 0, resumed: 0, firstError: undefined as string | undefined };
  const started = process.hrtime.bigint();
  const deadline = Date.now() + spec.durationMs;
  const loop = async () => {
    let offer: Buffer | undefined;
    // Bounded by time, and by count as a safety net.
    for (let i = 0; i < 1_000_000 && Date.now() < deadline; i++) {
      const t0 = process.hrtime.bigint();
      try {
        const r = await oneConnection(spec, context, offer);
        if (spec.resume) offer = r.session ?? offer;
        if (r.resumed) result.resumed++;
        if (r.status === 200) {
          result.completed++;
          samples.add(elapsedMs(t0));
        } else {
          result.non200++;
          result.failed++;
          result.firstError ??= `HTTP ${r.status}`;
        }
      } catch (err) {
        result.failed++;
        result.firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
  const seconds = elapsedMs(started) / 1000;
  const out: HandshakeResult = {
    completed: result.completed,
    perSec: Math.round(result.completed / seconds),
    failed: result.failed,
    non200: result.non200,
    resumed: result.resumed,
    connectToResponse: samples.summary(),
  };
  if (result.firstError) out.firstError = result.firstError;
  return out;
}
