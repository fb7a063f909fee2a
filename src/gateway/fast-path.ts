// The PROXIED and API routes of routes.ts compiled without koa: target check → certificate gate →
// maintenance → session (API: rate bucket) → proxy, each step the same function the koa chain uses.
// Only a request that passes every step is answered here; at the first step that would not pass, the
// request goes to the koa chain with what was already read (kernel/handoff.ts), so pages, problems,
// redirects and errors have one renderer.
import { randomUUID } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { GatewayDeps } from '../kernel/deps.js';
import type { CertificateFacts, GateFacts, TouchResult } from '../kernel/facts.js';
import { setHandoff, type Handoff } from '../kernel/handoff.js';
import { registryField } from '../store/keys.js';
import { storeCallWithin } from '../store/redis.js';
import { storeDeadlineMs } from './middleware/certificate-gate.js';
import { sessionCookieOn } from '../session/cookie-cache.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../proxy/headers.js';
import { clientWentAway } from '../proxy/upstream.js';
import { signedHeadersFor, type ProxiedRequest } from '../proxy/proxy-middleware.js';
import { rateLimitHeaders, takeToken } from '../api/rate-limit.js';
import { peerCertificateOf } from './peer-certificate.js';
import { registryVerdict, tlsVerdict } from './cert-verdict.js';
import { localGate, lookupGate } from './request-lookup.js';
import { normaliseTarget } from './middleware/request-target.js';
import { BASELINE_HEADERS } from './middleware/security-headers.js';
import { routeKindOf } from './routes.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const HSTS = BASELINE_HEADERS['Strict-Transport-Security']!;
const ignore = (): void => undefined;

/** ?lang= on any page sets the language cookie (middleware/language.ts): the koa chain does that. */
function choosesLanguage(url: string): boolean {
  const q = url.indexOf('?');
  if (q === -1 || !/lang|%/i.test(url.slice(q))) return false;
  return parseQuery(url.slice(q + 1)).lang !== undefined;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * The fast path's metric series, bound once: prom-client hashes a label object on every call, which
 * a profile of the keep-alive path showed; the series are the same the koa chain counts into.
 */
function boundMetrics(metrics: GatewayDeps['metrics']) {
  const counters = new Map<string, { inc(): void }[]>();
  const latency = new Map<number, { observe(v: number): void }>();
  return {
    count(outcome: string, usage: 'web' | 'api'): void {
      const key = `${usage} ${outcome}`;
      let c = counters.get(key);
      if (!c) counters.set(key, (c = [metrics.requests.labels({ outcome }), metrics.requestsByUsage.labels({ usage, outcome })]));
      for (const counter of c) counter.inc();
    },
    upstream(status: number, seconds: number): void {
      const cls = Math.floor(status / 100);
      let h = latency.get(cls);
      if (!h) latency.set(cls, (h = metrics.upstreamLatency.labels({ status_class: `${cls}xx` })));
      h.observe(seconds);
    },
  };
}
type BoundMetrics = ReturnType<typeof boundMetrics>;

/** Who the upstream request is for: a session's user, or (API routes) the certificate's operator. */
type Principal = Pick<ProxiedRequest, 'session' | 'apiOperator'>;

/** The mTLS listener's request handler: proxied and API requests that pass every step here, the rest to `koa`. */
export function proxiedFastPath(deps: GatewayDeps, koa: Handler): Handler {
  const { config, sessions } = deps;
  const kindOf = routeKindOf(config.api.prefix);
  const metrics = boundMetrics(deps.metrics);

  return function handleRequest(req, res) {
    const started = process.hrtime.bigint();
    const url = req.url ?? '';
    const method = req.method ?? '';
    // Anything the request-target step would refuse or rewrite is the koa chain's to answer.
    const target = normaliseTarget(method, url);
    const kind = kindOf(pathOf(url));
    if (!target.ok || target.target !== url || kind === 'auth' || choosesLanguage(url)) return koa(req, res);
    const handoff: Handoff = { requestId: randomUUID(), started, now: deps.clock() };
    const toKoa = (): unknown => {
      setHandoff(req, handoff);
      return koa(req, res);
    };

    // Step 1, TLS half: presence, trust, validity, CRL — per request, from facts parsed once per socket.
    const socket = req.socket as TLSSocket;
    const peer = peerCertificateOf(socket, deps.trustedCas);
    const cert = peer.present ? peer.facts : undefined;
    if (!cert || !peer.present || tlsVerdict(peer, handoff.now) !== undefined) return toKoa();
    // Revocation from the CRLs/OCSP answers in memory; an answer still being fetched is the koa chain's to await.
    const revoked = deps.revocation.check(cert, peer.der, handoff.now);
    if (revoked instanceof Promise) revoked.catch(ignore);
    if (revoked !== undefined) return toKoa();
    if (kind === 'api') return api();
    // Step 3 needs a signed cookie; without one the koa chain redirects to the login page.
    const cookie = sessionCookieOn(socket, req.headers.cookie, config.keys.cookie);
    if (!cookie) return toKoa();

    // Step 1 (registry) with step 2 (maintenance), and step 3's read-only session verdict: from the
    // local copies when they answer (no store call, no promise), else one round trip.
    const certField = registryField(cert.issuerId, cert.serial);
    const localFacts = localGate(deps.registrations, deps.maintenance, cert.issuerId, cert.serial, handoff.now);
    const localSession = localFacts && sessions.peekLocal(cookie.userId, cookie.sid, certField, handoff.now);
    if (localFacts && localSession && passes(deps, localFacts, { status: 'ok', session: localSession }, handoff.now)) {
      return proxy(deps, metrics, req, res, handoff, cert, { session: localSession }).then(finish, unexpected);
    }
    // Same reads, same deadline as the koa chain's gate (certificate-gate.ts): past it, 503.
    const deadline = storeDeadlineMs(deps);
    const gate = lookupGate(deps.registrations, deps.maintenance, cert.issuerId, cert.serial, deadline, handoff.now);
    const result = storeCallWithin(deadline, () => sessions.peek(cookie.userId, cookie.sid, certField, handoff.now));
    gate.catch(ignore);
    result.catch(ignore);
    handoff.gate = gate;
    handoff.sessionLookup = { userId: cookie.userId, sid: cookie.sid, result };
    return Promise.all([gate, result])
      .then(
        async ([facts, peeked]) => {
          if (!passes(deps, facts, peeked, handoff.now)) return toKoa();
          return finish(await proxy(deps, metrics, req, res, handoff, cert, { session: peeked.session }));
        },
        toKoa, // a store failure: the koa chain turns the same rejected read into the 503 page
      )
      .catch(unexpected);

    /**
     * API route: the certificate's rate token is taken now (as the koa chain's gate does, so it shares
     * the round trip of a registry read when there is one) and is the only store command when the
     * registration comes from the local copy. Refusals (wrong usage, maintenance, 429) are the koa
     * chain's problem+json, with the same token verdict.
     */
    function api(): unknown {
      const rate = config.api.rate;
      const take = rate ? takeToken(deps.redis, cert!.issuerId, cert!.serial, rate, handoff.now) : undefined;
      take?.catch(ignore);
      if (take) handoff.rateLookup = take;
      let gate: GateFacts | Promise<GateFacts> | undefined = localGate(deps.registrations, deps.maintenance, cert!.issuerId, cert!.serial, handoff.now);
      if (!gate) {
        const read = lookupGate(deps.registrations, deps.maintenance, cert!.issuerId, cert!.serial, storeDeadlineMs(deps), handoff.now);
        read.catch(ignore);
        gate = handoff.gate = read;
      }
      return Promise.all([gate, take])
        .then(async ([facts, verdict]) => {
          if (registryVerdict(facts.registration, handoff.now, 'api') !== undefined || facts.maintenance.on) return toKoa();
          if (verdict && !verdict.allowed) return toKoa();
          const headers = rate && verdict ? rateLimitHeaders(rate, verdict) : undefined;
          return finish(await proxy(deps, metrics, req, res, handoff, cert!, { apiOperator: facts.registration!.operatorId }, headers));
        }, toKoa)
        .catch(unexpected);
    }
    function finish(outcome: 'done' | 'to-koa'): unknown {
      return outcome === 'to-koa' ? toKoa() : undefined;
    }
    function unexpected(err: unknown): unknown {
      // Unexpected (a bug, not the store or the upstream): the koa chain's error page logs and renders it.
      if (res.headersSent) return void res.destroy();
      handoff.upstreamError = err;
      return toKoa();
    }
  };
}

/** Every check of steps 1–3 passes and the session needs no write (refresh, end, redirect). */
function passes(deps: GatewayDeps, facts: GateFacts, peeked: TouchResult, now: number): peeked is Extract<TouchResult, { status: 'ok' }> {
  if (registryVerdict(facts.registration, now, 'web') !== undefined || facts.maintenance.on) return false;
  if (peeked.status !== 'ok') return false;
  const session = peeked.session;
  return (
    facts.registration!.operatorId === session.operatorId && !session.mustChange && now - session.lastSeen < deps.sessions.refreshAfterMs
  );
}

/** Step 4: stream to the upstream and back; an upstream failure before its headers goes to the koa chain's error page. */
async function proxy(
  deps: GatewayDeps,
  metrics: BoundMetrics,
  req: IncomingMessage,
  res: ServerResponse,
  handoff: Handoff,
  cert: CertificateFacts,
  principal: Principal,
  ownResponseHeaders?: Record<string, string>,
): Promise<'done' | 'to-koa'> {
  const { upstream } = deps;
  const method = req.method!;
  const url = req.url!;
  const target = upstream.targetFor(url);
  const own = signedHeadersFor(deps, { method, target, requestId: handoff.requestId, socket: req.socket, cert, ...principal });
  let outcome = 'proxied';
  try {
    await upstream.forward({
      method,
      path: target,
      headers: upstreamRequestHeaders(req.headers, own),
      body: NO_BODY.has(method) ? null : req,
      client: res,
      onHeaders: (status, headers) => {
        metrics.upstream(status, Number(process.hrtime.bigint() - handoff.started) / 1e9);
        // The same headers a koa-proxied response keeps (proxy-middleware.ts): HSTS and the request id,
        // unless the upstream sends its own; then the gateway's own for this route (RateLimit on API routes).
        res.writeHead(status, { 'strict-transport-security': HSTS, 'x-request-id': handoff.requestId, ...clientResponseHeaders(headers), ...ownResponseHeaders });
        return res;
      },
    });
  } catch (err) {
    if (clientWentAway(err)) outcome = 'client-aborted';
    else if (res.headersSent) {
      // Too late for an error page: cut the response so the client sees it incomplete.
      outcome = 'upstream-aborted';
      res.destroy();
    } else {
      handoff.upstreamError = err;
      return 'to-koa';
    }
  }
  logRequest(deps, metrics, req, res.statusCode, outcome, handoff, cert.serial, principal);
  return 'done';
}

/** The request log line and metrics, as gateway/middleware/request-log.ts writes them for the koa chain. */
function logRequest(deps: GatewayDeps, metrics: BoundMetrics, req: IncomingMessage, status: number, outcome: string, handoff: Handoff, serial: string, principal: Principal): void {
  metrics.count(outcome, principal.apiOperator !== undefined ? 'api' : 'web');
  const level = status >= 500 ? 'warn' : 'info';
  // The line is built only when it will be written (production runs at info, the bench at warn).
  if (!deps.logger.isLevelEnabled(level)) return;
  const line = {
    requestId: handoff.requestId,
    method: req.method,
    path: pathOf(req.url ?? ''),
    status,
    outcome,
    ...(principal.apiOperator !== undefined ? { client: 'api', operator: principal.apiOperator } : {}),
    serial,
    user: principal.session?.userId,
    ms: Number(process.hrtime.bigint() - handoff.started) / 1e6,
  };
  deps.logger[level](line, 'request');
}
