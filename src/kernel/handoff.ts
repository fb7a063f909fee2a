// What the proxied fast path (src/gateway/fast-path.ts) already learned about a request when it hands
// the request to the koa chain: the chain reuses it instead of asking the store a second time, so a
// refused request still costs one round trip and an outage still answers within one store timeout.
import type { IncomingMessage } from 'node:http';
import type { GateFacts, RateVerdict, TouchResult } from './facts.js';

export interface Handoff {
  requestId: string;
  started: bigint;
  now: number;
  /** The registry + maintenance read already sent (may reject: the koa chain renders the 503). */
  gate?: Promise<GateFacts>;
  /** The read-only session verdict already sent for the cookie's session. */
  sessionLookup?: { userId: string; sid: string; result: Promise<TouchResult> };
  /** API routes: the certificate's rate token already taken (the koa chain must not take a second one). */
  rateLookup?: Promise<RateVerdict>;
  /** The upstream failed before its headers: the koa chain renders the error page for it. */
  upstreamError?: unknown;
}

const handoffs = new WeakMap<IncomingMessage, Handoff>();

export const setHandoff = (req: IncomingMessage, handoff: Handoff): void => void handoffs.set(req, handoff);
export const handoffOf = (req: IncomingMessage): Handoff | undefined => handoffs.get(req);
