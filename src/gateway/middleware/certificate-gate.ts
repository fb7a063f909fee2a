// Request path step 1: the client certificate must be present, trusted, in its validity window,
// not revoked, and registered — checked on every request, not once per connection.
import type { TLSSocket } from 'node:tls';
import { gatewayPages } from '../../pages/gateway-pages.js';
import { displaySerial } from '../../tls/serial.js';
import { registryField } from '../../store/keys.js';
import { decodeSessionCookie, SESSION_COOKIE } from '../../session/cookie.js';
import { peerCertificateOf } from '../peer-certificate.js';
import { registryVerdict, tlsVerdict, type CertReason } from '../cert-verdict.js';
import { lookupGate } from '../request-lookup.js';
import { handoffOf } from '../../kernel/handoff.js';
import { storeCallWithin } from '../../store/redis.js';
import { pageFrame, sendPage } from '../../kernel/respond.js';
import { takeToken } from '../../api/rate-limit.js';
import { problemFor, sendProblem } from '../../api/problem.js';
import { renewalBanner } from '../../time/renewal.js';
import type { CertificateFacts } from '../../tls/certificate.js';
import type { GatewayDeps } from '../../kernel/deps.js';
import type { GatewayContext, GatewayMiddleware } from '../../kernel/state.js';

/** Problems `/auth/cert` may still describe: the certificate is genuine, just not usable here (yet). */
const INFORMATIONAL_REASONS: ReadonlySet<CertReason> = new Set(['cert-unregistered', 'cert-expired', 'cert-not-yet-valid', 'cert-wrong-usage']);

export interface CertificateGateOptions {
  /**
   * Let a trusted certificate through even when it is expired, not yet valid or unregistered,
   * so `/auth/cert` can show the user the serial to send to their administrator.
   */
  informational?: boolean;
}

export function certificateGate(deps: GatewayDeps, options: CertificateGateOptions = {}): GatewayMiddleware {
  const { config, metrics } = deps;
  return async function certificateGateMiddleware(ctx, next) {
    // The proxied fast path may already have read the clock and sent the store reads (kernel/handoff.ts).
    const handoff = options.informational ? undefined : handoffOf(ctx.req);
    const now = handoff?.now ?? deps.clock();
    ctx.state.now = now;
    const peer = peerCertificateOf(ctx.req.socket as TLSSocket, deps.trustedCas);
    const facts = peer.present ? peer.facts : undefined;
    let reason = tlsVerdict(peer, now);
    if (reason === undefined && facts && peer.present) {
      // From the CRLs/OCSP answers in memory, on every request (resumed sessions included).
      const revoked = deps.revocation.check(facts, peer.der, now);
      reason = revoked instanceof Promise ? await revoked : revoked;
    }
    if (facts && reason !== 'cert-untrusted') ctx.state.cert = facts;

    if (reason === undefined && facts) {
      if (ctx.state.client === 'api') {
        // The fast path may have taken the token already before handing the request over: once per request.
        if (handoff?.rateLookup) ctx.state.rateLookup = handoff.rateLookup;
        else startRateTake(ctx, deps, facts, now);
      }
      else if (handoff?.sessionLookup) ctx.state.sessionLookup = handoff.sessionLookup;
      else if (!handoff?.gate) startSessionPeek(ctx, deps, registryField(facts.issuerId, facts.serial), now);
      const gate = await (handoff?.gate ?? lookupGate(deps.registrations, deps.maintenance, facts.issuerId, facts.serial, storeDeadlineMs(deps), now));
      ctx.state.maintenance = gate.maintenance;
      if (gate.registration) ctx.state.registration = gate.registration;
      reason = registryVerdict(gate.registration, now, ctx.state.client ?? 'web');
    }

    if (reason !== undefined && !(options.informational && ctx.state.cert && INFORMATIONAL_REASONS.has(reason))) {
      refuse(ctx, deps, reason, facts);
      metrics.certRejections.inc({ reason });
      return;
    }
    const banner = facts ? renewalBanner(facts.notAfter, now, config.certWarnDays, config.timeZone) : undefined;
    if (banner) ctx.state.banner = banner;
    await next();
  };
}

/** The per-request store deadline: two command timeouts (a Cluster redirection included), then 503. */
export const storeDeadlineMs = (deps: GatewayDeps): number => 2 * deps.config.timeouts.storeMs;

/**
 * Start the session check now so it shares the registry lookup's round trip. Only a read: whether
 * this request may refresh or end the session is known once the gate and maintenance have passed.
 */
function startSessionPeek(ctx: GatewayContext, deps: GatewayDeps, certField: string, now: number): void {
  const cookie = decodeSessionCookie(deps.config.keys.cookie, ctx.cookies.get(SESSION_COOKIE));
  if (!cookie) return;
  const result = storeCallWithin(storeDeadlineMs(deps), () => deps.sessions.peek(cookie.userId, cookie.sid, certField, now));
  // The session middleware awaits it; if the request ends before that, the rejection is not unhandled.
  result.catch(() => undefined);
  ctx.state.sessionLookup = { userId: cookie.userId, sid: cookie.sid, result };
}

/** API routes: take the certificate's rate token now, so it shares the registry lookup's round trip. */
function startRateTake(ctx: GatewayContext, deps: GatewayDeps, facts: CertificateFacts, now: number): void {
  const rate = deps.config.api.rate;
  if (!rate) return;
  const result = takeToken(deps.redis, facts.issuerId, facts.serial, rate, now);
  result.catch(() => undefined); // awaited by apiRateLimit; a refusal before it must not be unhandled
  ctx.state.rateLookup = result;
}

function refuse(ctx: GatewayContext, deps: GatewayDeps, reason: CertReason, facts: CertificateFacts | undefined): void {
  ctx.state.outcome = reason;
  if (ctx.state.client === 'api') {
    const p = problemFor(reason, ctx.state.lang);
    if (facts) p.problem.detail += ` (serial ${displaySerial(facts.serial)})`;
    sendProblem(ctx, p);
    return;
  }
  // An untrusted certificate's dates mean nothing here; a genuine one's tell the user when it expired or starts.
  const dates = facts && reason !== 'cert-untrusted' ? { notBefore: facts.notBefore, notAfter: facts.notAfter } : {};
  const html = gatewayPages.loginError(pageFrame(ctx, deps, { csrf: false }), { reason, ...(facts ? { serial: displaySerial(facts.serial) } : {}), ...dates });
  sendPage(ctx, 403, html);
}
