// The session service behind nginx `auth_request` in the comparison: given the client certificate's
// serial and issuer DN (from nginx) and the cookie, it does the gateway's per-request Redis work —
// registry + maintenance (lookupGate) and the session touch, in one round trip — and answers 200 with
// the same signed identity headers, or 401/403/503.
import { createServer, type ServerResponse } from 'node:http';
import { X509Certificate, randomUUID } from 'node:crypto';
import { lookupGate } from '../src/gateway/request-lookup.js';
import { RegistrationReader } from '../src/registry/registration-reader.js';
import { MaintenanceCache } from '../src/maintenance/maintenance-cache.js';
import { SessionStore } from '../src/session/session-store.js';
import { SESSION_COOKIE, decodeSessionCookie } from '../src/session/cookie.js';
import { signUpstreamHeaders, webIdentityHeaders } from '../src/proxy/assertion.js';
import { deriveKeys } from '../src/config/derived-keys.js';
import { registrationState } from '../src/registry/registration.js';
import { registryField } from '../src/store/keys.js';
import { createRedis } from '../src/store/redis.js';
import { loadTrustedCas } from '../src/tls/trusted-cas.js';
import { normaliseSerial } from '../src/tls/serial.js';
import { envInt, runClustered } from './clustered.js';
import { AUTH_ISSUER_HEADER, AUTH_SERIAL_HEADER } from './shared.js';

/** RFC 2253 form of a certificate's subject, as nginx prints $ssl_client_i_dn (last RDN first). */
const rfc2253 = (der: Buffer): string => new X509Certificate(der).subject.split('\n').reverse().join(',');

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function deny(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': '0' });
  res.end();
}

function startWorker(): void {
  const keys = deriveKeys(Buffer.from(process.env.CERTGATE_SECRET ?? '', 'utf8'));
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { connectionName: 'certgate-bench-auth' });
  redis.on('error', () => undefined);
  void redis.connect().catch(() => undefined);
  const maintenance = new MaintenanceCache(redis);
  // The conventional design this row stands for: both reads go to Redis on every request (no local copy).
  const registrations = new RegistrationReader(redis);
  maintenance.start();
  const sessions = new SessionStore(redis, {
    idleTimeoutMs: envInt('BENCH_IDLE_MS', 12 * 3_600_000),
    maxAgeMs: envInt('BENCH_MAX_AGE_MS', 12 * 3_600_000),
    singleLogin: 'replace',
  });
  const issuers = new Map(loadTrustedCas(process.env.CERTGATE_CLIENT_CA ?? '').map((ca) => [rfc2253(ca.der), ca.id]));
  let reportedUnknownIssuer = false;

  const server = createServer((req, res) => {
    void (async () => {
      const now = Date.now();
      const issuerDn = req.headers[AUTH_ISSUER_HEADER];
      const issuerId = typeof issuerDn === 'string' ? issuers.get(issuerDn) : undefined;
      if (!issuerId) {
        if (!reportedUnknownIssuer) process.stderr.write(`auth stand-in: unknown issuer DN ${JSON.stringify(issuerDn)}\n`);
        reportedUnknownIssuer = true;
        return deny(res, 403);
      }
      let serial: string;
      try {
        serial = normaliseSerial(String(req.headers[AUTH_SERIAL_HEADER] ?? ''));
      } catch {
        return deny(res, 403);
      }
      const field = registryField(issuerId, serial);
      const cookie = decodeSessionCookie(keys.cookie, cookieValue(req.headers.cookie, SESSION_COOKIE));
      // Both scripts go out before either answer is awaited: one round trip, like the gateway.
      const touch = cookie ? sessions.touch(cookie.userId, cookie.sid, field, now) : undefined;
      touch?.catch(() => undefined);
      const gate = await lookupGate(registrations, maintenance, issuerId, serial, 2000, now);
      if (gate.maintenance.on) return deny(res, 503);
      if (!gate.registration || registrationState(gate.registration, now) !== 'active') return deny(res, 403);
      const result = touch ? await touch : undefined;
      if (!result || result.status !== 'ok' || result.session.mustChange) return deny(res, 401);
      const s = result.session;
      const notAfter = gate.registration.notAfter !== undefined ? new Date(gate.registration.notAfter).toISOString() : '';
      res.writeHead(200, {
        // The same v2 assertion work as the gateway (nginx sets its own X-Forwarded-* upstream).
        ...signUpstreamHeaders(
          keys.assertion,
          { method: req.method ?? 'GET', target: req.url ?? '/', requestId: randomUUID(), forwardedFor: '', forwardedHost: '', forwardedProto: 'https' },
          webIdentityHeaders({ user: s.userId, userName: s.name, operator: s.operatorId, roles: s.roles, certSerial: serial, certNotAfter: notAfter }),
        ),
        'content-length': '0',
      });
      res.end();
    })().catch(() => {
      // Fail closed, as the gateway does: a store error is never "authenticated".
      if (!res.headersSent) deny(res, 503);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(envInt('BENCH_AUTH_PORT', 0), '127.0.0.1');
  process.once('SIGTERM', () => {
    redis.disconnect();
    process.exit(0);
  });
}

runClustered(envInt('BENCH_WORKERS', 1), startWorker);
