// The lockout rule as an API: reserve an attempt slot before argon2, then record its verdict.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../store/store.js';
import { errors } from '../errors/certgate-error.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import { defineScripts } from '../store/scripts.js';
import { decodeHistory } from '../users/user-record.js';
import { ATTEMPT_SCRIPTS, type AttemptScripts } from './attempt-scripts.js';

export type Reservation =
  | { status: 'unknown' }
  | { status: 'foreign' }
  | { status: 'locked' }
  | { status: 'ok'; token: string; operatorId: string; hash: string; mustChange: boolean; history: string[] };

export type FailureVerdict = { status: 'counted' | 'locked-now' | 'locked' | 'gone'; failures: number };

export interface AttemptGuardOptions {
  threshold: number;
  /** Lifetime of an in-flight token: longer than the slowest queued argon2 check. */
  tokenTtlMs?: number;
  /** How long an attempt waits for a slot while others are in flight, before 503 overloaded. */
  busyWaitMs?: number;
  /** Attempts of this process allowed to wait at once (each polls Redis); more → 503 overloaded. */
  maxWaiters?: number;
}

export class AttemptGuard {
  readonly r: Store & AttemptScripts;
  private readonly tokenTtlMs: number;
  private readonly busyWaitMs: number;
  private readonly maxWaiters: number;
  private waiters = 0;

  constructor(
    redis: Store,
    private readonly options: AttemptGuardOptions,
  ) {
    this.r = defineScripts<AttemptScripts>(redis, ATTEMPT_SCRIPTS);
    this.tokenTtlMs = options.tokenTtlMs ?? 30_000;
    this.busyWaitMs = options.busyWaitMs ?? 5_000;
    this.maxWaiters = options.maxWaiters ?? 64;
  }

  /**
   * A slot for one password check. While failures + attempts in flight have reached the threshold,
   * wait for those attempts to finish: they either lock the account (→ 'locked') or free the slot.
   * With `certOperator`, a user of another operator is 'foreign' and nothing is reserved.
   * `now` is the time the rule runs at (token expiry); by default the clock at each poll. The wait
   * for a slot (busyWaitMs) is always real time: it is how long this request is held.
   */
  async reserve(userId: string, certOperator = '', now?: number): Promise<Reservation> {
    const token = randomBytes(12).toString('base64url');
    const deadline = Date.now() + this.busyWaitMs;
    let waiting = false;
    try {
      for (;;) {
        const reply = await this.tryReserve(userId, token, certOperator, now ?? Date.now());
        if (reply !== 'busy') return reply;
        if (Date.now() >= deadline) throw errors.overloaded();
        if (!waiting) {
          // A flood of parallel attempts must not turn into a flood of Redis polls.
          if (this.waiters >= this.maxWaiters) throw errors.overloaded();
          this.waiters++;
          waiting = true;
        }
        await sleep(20 + Math.floor(Math.random() * 40));
      }
    } finally {
      if (waiting) this.waiters--;
    }
  }

  /** Attempts of this process waiting for a slot now. */
  get waiting(): number {
    return this.waiters;
  }

  private async tryReserve(userId: string, token: string, certOperator: string, now: number): Promise<Reservation | 'busy'> {
    const reply = await storeCall(() =>
      this.r.cgAttemptReserve(
        keys.user(userId),
        keys.attempts(userId),
        keys.session(userId),
        keys.sessionEnded(userId),
        token,
        String(now),
        String(this.tokenTtlMs),
        String(this.options.threshold),
        certOperator,
      ),
    );
    const [status, operatorId, hash, mustChange, history] = reply;
    switch (status) {
      case 'ok':
        return { status: 'ok', token, operatorId: operatorId ?? '', hash: hash ?? '', mustChange: mustChange === '1', history: decodeHistory(history) };
      case 'unknown':
      case 'foreign':
      case 'locked':
        return { status };
      case 'busy':
        return 'busy';
      default:
        throw errors.internal(`unexpected attempt script reply ${JSON.stringify(status)}`);
    }
  }

  /**
   * Count one login attempt against the certificate before any argon2 work; refused while the
   * certificate is at its limit (then `retryAfterMs` is what is left of its cooling-off period).
   */
  async reserveCert(certField: string, limit: number, cooldownMs: number): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    const [ok, value] = await storeCall(() => this.r.cgCertAttempt(keys.certLoginFailures(certField), String(limit), String(cooldownMs)));
    return Number(ok) === 1 ? { ok: true } : { ok: false, retryAfterMs: Math.max(1000, Number(value)) };
  }

  /** The attempt was not a failure (success, overload, error): give the certificate its count back. */
  async releaseCert(certField: string): Promise<void> {
    await storeCall(() => this.r.cgCertRelease(keys.certLoginFailures(certField)));
  }

  /** The check did not reach a verdict (overload, error): free the slot without counting. */
  async release(userId: string, token: string): Promise<void> {
    await storeCall(() => this.r.cgAttemptRelease(keys.attempts(userId), token));
  }

  /** A wrong password (or a certificate of another operator): count it, lock at the threshold. */
  async fail(userId: string, token: string, now = Date.now()): Promise<FailureVerdict> {
    const [status, failures] = await storeCall(() =>
      this.r.cgAttemptFail(keys.user(userId), keys.attempts(userId), keys.session(userId), keys.sessionEnded(userId), token, String(now), String(this.options.threshold)),
    );
    if (status !== 'counted' && status !== 'locked-now' && status !== 'locked' && status !== 'gone') {
      throw errors.internal(`unexpected attempt script reply ${JSON.stringify(status)}`);
    }
    return { status, failures: Number(failures) };
  }
}
