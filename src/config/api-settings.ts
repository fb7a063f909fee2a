// Parsing of the API-route settings (CERTGATE_API_PREFIX, CERTGATE_API_RATE, CERTGATE_API_BURST):
// operators write `/api/` and `20/s`; the gateway gets a normalised prefix and a rate as count per period.

/** Token-bucket rate: `count` tokens per `periodMs`, at most `burst` saved up. */
export interface ApiRate {
  count: number;
  periodMs: number;
  burst: number;
}

export interface ApiSettings {
  /** Normalised prefix ending in `/` (e.g. `/api/`); undefined when API routes are disabled. */
  prefix: string | undefined;
  /** Undefined when CERTGATE_API_RATE is `off`. */
  rate: ApiRate | undefined;
}

export const DEFAULT_API_RATE = '20/s';

const PERIOD_MS: Record<string, number> = { s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000 };

/** `/api/` or `/api` → `/api/`; undefined (with a message) when unusable as a route prefix. */
export function parseApiPrefix(text: string): { prefix: string } | { problem: string } {
  const t = text.trim();
  if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(t) || t === '/' || /(^|\/)\.\.?(\/|$)/.test(t) || t.includes('//')) {
    return { problem: `CERTGATE_API_PREFIX must be a path such as /api/ (not "/", no dot segments; empty disables the API routes), got "${text}"` };
  }
  const prefix = t.endsWith('/') ? t : `${t}/`;
  if (prefix.startsWith('/auth/')) return { problem: 'CERTGATE_API_PREFIX must not be under /auth/ (those pages are for browsers)' };
  return { prefix };
}

/** `20/s`, `1200/m`, `20/1s`; `off` disables; undefined when not a rate. */
export function parseApiRate(text: string): { count: number; periodMs: number } | 'off' | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'off') return 'off';
  const m = /^(\d{1,9})\s*\/\s*(\d{0,6})\s*(s|sec|second|m|min|minute|h|hour)$/.exec(t);
  if (!m) return undefined;
  const count = Number(m[1]);
  const periodMs = (m[2] ? Number(m[2]) : 1) * (PERIOD_MS[m[3]!] ?? 1000);
  return count >= 1 && periodMs >= 1 ? { count, periodMs } : undefined;
}

/** Reads the three variables; every problem is returned, to join the config's one error. */
export function apiSettings(env: { prefix?: string | undefined; rate?: string | undefined; burst?: string | undefined }): { settings: ApiSettings; problems: string[] } {
  const problems: string[] = [];
  let prefix: string | undefined;
  if (env.prefix !== undefined && env.prefix.trim() !== '') {
    const p = parseApiPrefix(env.prefix);
    if ('problem' in p) problems.push(p.problem);
    else prefix = p.prefix;
  }
  const parsed = parseApiRate(env.rate ?? DEFAULT_API_RATE);
  if (parsed === undefined) problems.push(`CERTGATE_API_RATE must be requests per period such as 20/s or 600/m, or off (got "${env.rate}")`);
  let burst: number | undefined;
  if (env.burst !== undefined) {
    burst = /^\s*\d{1,9}\s*$/.test(env.burst) ? Number(env.burst) : NaN;
    if (!(burst >= 1)) problems.push(`CERTGATE_API_BURST must be a whole number of requests, at least 1 (got "${env.burst}")`);
  }
  const rate = parsed && parsed !== 'off' ? { ...parsed, burst: burst !== undefined && burst >= 1 ? burst : parsed.count } : undefined;
  return { settings: { prefix, rate }, problems };
}

/** Whether `path` is under the API prefix (`/api` itself included). */
export const isApiPath = (prefix: string, path: string): boolean => path.startsWith(prefix) || path === prefix.slice(0, -1);
