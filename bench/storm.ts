// The login storm: many concurrent POST /auth/login — right and wrong passwords for storm users, and
// wrong passwords for user IDs that do not exist (argon2 runs for those too) — for a fixed time, while
// the proxied traffic is measured. A loop that is shed (503) waits briefly before it tries again, as
// a person pressing the button again would; nothing retries in a tight loop.
import { Agent } from 'node:https';
import { csrfOf, httpsCall, mergeCookies, type ClientTls } from './https-client.js';
import { Samples, elapsedMs, sleep, type LatencySummary } from './stats.js';

export interface StormSpec {
  port: number;
  tls: ClientTls;
  /** Users the storm logs in as; each is driven by one loop only (alternating wrong/right), so none locks. */
  users: Array<{ userId: string; password: string }>;
  /** Further loops posting wrong passwords for unknown user IDs. */
  unknownLoops: number;
  durationMs: number;
  /** Pause after a 503 before the same loop tries again. */
  shedBackoffMs: number;
}

export interface StormResult {
  loops: number;
  attempts: number;
  /** HTTP status → count (303 success, 401 wrong credentials, 403 locked, 503 shed). */
  byStatus: Record<string, number>;
  shed: number;
  errors: number;
  /** Latency of logins that were not shed. */
  loginLatency: LatencySummary;
}

interface Loop {
  agent: Agent;
  cookie: string;
  csrf: string;
  next: () => { userId: string; password: string };
}

export interface Storm {
  run(): Promise<StormResult>;
}

/** Opens every loop's connection and fetches its CSRF token (done before the measured window). */
export async function prepareStorm(spec: StormSpec): Promise<Storm> {
  const loops: Loop[] = [];
  const make = async (next: Loop['next']) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const page = await httpsCall({ port: spec.port, tls: spec.tls, path: '/auth/login', agent });
    if (page.status !== 200) throw new Error(`storm: GET /auth/login answered ${page.status}`);
    loops.push({ agent, cookie: mergeCookies(undefined, page.headers['set-cookie']), csrf: csrfOf(page.body), next });
  };
  const setups: Array<Promise<void>> = [];
  for (const user of spec.users) {
    let n = 0;
    setups.push(make(() => ({ userId: user.userId, password: n++ % 2 === 0 ? `${user.password}-wrong` : user.password })));
  }
  for (let i = 0; i < spec.unknownLoops; i++) {
    let n = 0;
    setups.push(make(() => ({ userId: `nobody-${i}-${n++}`, password: 'Wrong#pass123' })));
  }
  await Promise.all(setups);

  return {
    async run() {
      const byStatus: Record<string, number> = {};
      const latency = new Samples();
      let attempts = 0;
      let errors = 0;
      const deadline = Date.now() + spec.durationMs;
      await Promise.all(
        loops.map(async (loop) => {
          for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
            const { userId, password } = loop.next();
            const t0 = process.hrtime.bigint();
            attempts++;
            try {
              const r = await httpsCall({
                port: spec.port,
                tls: spec.tls,
                path: '/auth/login',
                agent: loop.agent,
                cookie: loop.cookie,
                form: { _csrf: loop.csrf, userId, password },
                timeoutMs: 20_000,
              });
              byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
              if (r.status === 503) await sleep(spec.shedBackoffMs);
              else latency.add(elapsedMs(t0));
            } catch {
              errors++;
              await sleep(spec.shedBackoffMs);
            }
          }
        }),
      );
      for (const loop of loops) loop.agent.destroy();
      return { loops: loops.length, attempts, byStatus, shed: byStatus['503'] ?? 0, errors, loginLatency: latency.summary() };
    },
  };
}
