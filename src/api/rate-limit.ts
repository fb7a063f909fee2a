// Per-certificate token bucket for the API routes, kept in the store so every gateway process
// shares it exactly: one Lua script on the certificate's own slot, sent in the same event-loop tick
// as the registry lookup (auto-pipelined: one round trip). `now` comes from the gateway, so tests
// move time instead of sleeping; a bucket never runs backwards when gateways' clocks differ.
import type { Store } from '../store/store.js';
import type { ApiRate } from '../config/api-settings.js';
import { keys } from '../store/keys.js';
import { defineScripts } from '../store/scripts.js';
import { problemFor, sendProblem } from './problem.js';
import type { GatewayDeps } from '../kernel/deps.js';
import type { GatewayMiddleware } from '../kernel/state.js';
import type { RateVerdict } from '../kernel/facts.js';

// ARGV: count, periodMs, burst, now (ms). Tokens are kept as a float (17 significant digits, so
// refills add up exactly enough); the key expires a minute after the bucket would be full again.
const TAKE_SCRIPT = `
local count = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local s = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(s[1])
local ts = tonumber(s[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
elseif now > ts then
  tokens = math.min(burst, tokens + (now - ts) * count / period)
  ts = now
end
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) * period / count)
end
local full = math.ceil((burst - tokens) * period / count)
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'ts', string.format('%.17g', ts))
-- A minute past full: Redis expires by its own clock, which need not match the gateway's \`now\`.
redis.call('PEXPIRE', KEYS[1], full + 60000)
return { allowed, math.floor(tokens), wait, full }
`;

export type { RateVerdict };

const RATE_SCRIPTS = {
  /** KEYS: the certificate's bucket. ARGV: count, periodMs, burst, now → {allowed, tokens left, wait ms, ms until full}. */
  cgRateTake: { numberOfKeys: 1, lua: TAKE_SCRIPT },
};
interface RateScripts {
  cgRateTake(bucket: string, count: number, periodMs: number, burst: number, now: number): Promise<[number, number, number, number]>;
}
type RateStore = Store & RateScripts;

/** Registers the script on the connection once (EVALSHA, falling back to EVAL). */
export function defineRateScript(redis: Store): void {
  defineScripts<RateScripts>(redis, RATE_SCRIPTS);
}

/** Take one token from the certificate's bucket at `now`. */
export async function takeToken(redis: Store, issuerId: string, serial: string, rate: ApiRate, now: number): Promise<RateVerdict> {
  const [allowed, remaining, wait, full] = await (redis as RateStore).cgRateTake(keys.certRate(issuerId, serial), rate.count, rate.periodMs, rate.burst, Math.floor(now));
  return { allowed: allowed === 1, remaining, retryAfterMs: wait, fullInMs: full };
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/**
 * RateLimit and RateLimit-Policy as in the IETF httpapi draft "RateLimit header fields for HTTP":
 * quota q = burst over window w = the time a full bucket takes to refill; r = requests left,
 * t = seconds until the bucket is full again.
 */
export function rateLimitHeaders(rate: ApiRate, v: RateVerdict): Record<string, string> {
  const window = Math.max(1, seconds((rate.burst * rate.periodMs) / rate.count));
  return {
    'RateLimit-Policy': `"certificate";q=${rate.burst};w=${window}`,
    RateLimit: `"certificate";r=${v.remaining};t=${seconds(v.fullInMs)}`,
  };
}

/**
 * Request path step for API routes, after the certificate gate and maintenance: the take the gate
 * started is awaited here; past the limit the answer is 429 with Retry-After, else the RateLimit
 * headers go onto the proxied response.
 */
export function apiRateLimit(deps: GatewayDeps): GatewayMiddleware {
  const rate = deps.config.api.rate;
  return async function apiRateLimitMiddleware(ctx, next) {
    const pending = ctx.state.rateLookup;
    if (!rate || !pending) return next();
    // A store failure propagates: fail closed (503), never "unlimited".
    const verdict = await pending;
    const headers = rateLimitHeaders(rate, verdict);
    if (!verdict.allowed) {
      ctx.state.outcome = 'rate-limited';
      ctx.set(headers);
      sendProblem(ctx, problemFor('rate-limited', ctx.state.lang, { retryAfterSeconds: Math.max(1, seconds(verdict.retryAfterMs)) }));
      return;
    }
    ctx.state.responseHeaders = { ...ctx.state.responseHeaders, ...headers };
    await next();
  };
}
