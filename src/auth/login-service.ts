// The login rules without HTTP: same answer for unknown user, wrong password and another operator's
// certificate (the audit log keeps the true reason), lockout, single login, forced password change.
import type { Store } from '../store/store.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { GatewayMetrics } from '../ops/metrics.js';
import type { AuditLog } from '../audit/audit-log.js';
import { isCertgateError } from '../errors/certgate-error.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import { isUserId } from '../users/user-id.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import type { UserStore } from '../users/user-store.js';
import { recordAudit } from '../audit/audit-log.js';
import { SESSION_GRACE_MS, type SessionStore } from '../session/session-store.js';
import { newSessionId } from '../session/cookie.js';
import { AttemptGuard } from './attempt-guard.js';
import { changePassword, type PasswordChangeInput, type PasswordChangeResult } from './password-change.js';

export interface LoginInput {
  userId: string;
  password: string;
  /** The presented certificate: registryField(issuerId, serial) and the operator it is registered to. */
  cert: { field: string; operatorId: string };
  /** For the audit log only. */
  remoteAddress?: string;
  /** Check the password under the same lockout rules but create no session (renewal from /auth/cert). */
  verifyOnly?: boolean;
}

/** verifyPassword's success: the password was right for this user (no session was created). */
export type VerifiedResult = { status: 'verified'; userId: string; operatorId: string };

export type LoginResult =
  | { status: 'ok'; userId: string; sid: string; mustChange: boolean; replaced: boolean }
  | { status: 'too-many-attempts'; retryAfterSeconds: number }
  | { status: 'invalid-credentials' | 'account-locked' | 'multiple-login' };

/** Why a login failed, as the audit log records it (the user only ever sees the LoginResult). */
export type FailureReason = 'unknown-user' | 'wrong-password' | 'operator-mismatch' | 'locked' | 'changed-meanwhile';

export interface LoginServiceOptions {
  redis: Store;
  users: UserStore;
  sessions: SessionStore;
  hasher: PasswordHasher;
  audit: AuditLog | undefined;
  metrics: GatewayMetrics | undefined;
  logger: Logger;
  config: Pick<Config, 'lockoutThreshold' | 'session' | 'login' | 'certLogin'>;
  /** Time of session records (the gateway's clock; tests inject one). */
  clock?: () => number;
}

export class LoginService {
  readonly guard: AttemptGuard;

  constructor(readonly opts: LoginServiceOptions) {
    // As many attempts may wait for a per-user slot as may wait for argon2 (CERTGATE_LOGIN_QUEUE).
    this.guard = new AttemptGuard(opts.redis, { threshold: opts.config.lockoutThreshold, maxWaiters: Math.max(1, opts.config.login.queue) });
    // The first unknown-user login must not take longer than the others (dummy hash computed once).
    opts.hasher.warmUp().catch((err: unknown) => opts.logger.warn({ err }, 'argon2 warm-up failed'));
  }

  async login(input: LoginInput): Promise<LoginResult> {
    try {
      const result = await this.perCertificate({ ...input, verifyOnly: false });
      if (result.status === 'verified') throw new Error('login attempt answered as a verification');
      this.count(result.status === 'ok' ? (result.mustChange ? 'must-change' : 'success') : result.status);
      return result;
    } catch (err) {
      if (isCertgateError(err) && err.code === 'OVERLOADED') this.count('overloaded');
      throw err;
    }
  }

  /**
   * The login's own password check (same reservation, lockout and audit) without a session: for a
   * user applying from /auth/cert with a certificate that is not registered yet.
   */
  verifyPassword(input: Omit<LoginInput, 'verifyOnly'>): Promise<VerifiedResult | Exclude<LoginResult, { status: 'ok' }>> {
    // Through the per-certificate limit too: the same rules as a login from this certificate.
    return this.perCertificate({ ...input, verifyOnly: true }) as Promise<VerifiedResult | Exclude<LoginResult, { status: 'ok' }>>;
  }

  changePassword(input: PasswordChangeInput): Promise<PasswordChangeResult> {
    return changePassword(this, input);
  }

  /**
   * Every attempt counts against the certificate before argon2 runs; a certificate at its limit gets
   * 429 for the rest of its cooling-off period, so one certificate cannot fill the argon2 queue.
   */
  private async perCertificate(input: LoginInput): Promise<LoginResult | VerifiedResult> {
    const { failureLimit, cooldownMs } = this.opts.config.certLogin;
    const cert = await this.guard.reserveCert(input.cert.field, failureLimit, cooldownMs);
    if (!cert.ok) {
      await this.audit(input, 'login.refused', { reason: 'cert-too-many-attempts' });
      return { status: 'too-many-attempts', retryAfterSeconds: Math.ceil(cert.retryAfterMs / 1000) };
    }
    let result: LoginResult | VerifiedResult | undefined;
    try {
      result = await this.attempt(input);
      return result;
    } finally {
      // Only failures keep their count: a success, or an attempt without a verdict, gives it back.
      const failure = result !== undefined && (result.status === 'invalid-credentials' || result.status === 'account-locked');
      if (!failure) await this.guard.releaseCert(input.cert.field).catch(() => undefined);
    }
  }

  private async attempt(input: LoginInput): Promise<LoginResult | VerifiedResult> {
    const { hasher, config } = this.opts;
    const userId = input.userId;
    if (!isUserId(userId)) {
      await hasher.verifyDummy(input.password);
      return this.failed(input, 'unknown-user');
    }
    const slot = await this.guard.reserve(userId, input.cert.operatorId);
    if (slot.status === 'unknown') {
      await hasher.verifyDummy(input.password);
      return this.failed(input, 'unknown-user');
    }
    if (slot.status === 'foreign') {
      // Same work and answer as an unknown user; nothing counts against the user (README "Security").
      await hasher.verifyDummy(input.password);
      return this.failed(input, 'operator-mismatch');
    }
    if (slot.status === 'locked') {
      await this.audit(input, 'login.failure', { reason: 'locked' });
      return { status: 'account-locked' };
    }

    let verified: boolean;
    try {
      verified = await hasher.verify(slot.hash, input.password);
    } catch (err) {
      await this.guard.release(userId, slot.token);
      throw err;
    }
    if (!verified) {
      const reason: FailureReason = 'wrong-password';
      const verdict = await this.guard.fail(userId, slot.token);
      if (verdict.status === 'gone') return this.failed(input, 'unknown-user');
      await this.audit(input, 'login.failure', { reason, failures: verdict.failures });
      if (verdict.status === 'locked-now') {
        this.opts.metrics?.lockouts.inc();
        await this.audit(input, 'user.locked', { reason: 'too-many-failures', failures: verdict.failures });
        this.opts.logger.warn({ userId }, 'account locked after repeated wrong passwords');
        return { status: 'account-locked' };
      }
      return verdict.status === 'locked' ? { status: 'account-locked' } : { status: 'invalid-credentials' };
    }

    if (input.verifyOnly) {
      // No session: only the reservation is returned; the failure counter resets at the next real login.
      await this.guard.release(userId, slot.token);
      await this.audit(input, 'login.verified', { purpose: 'certificate-application' });
      return { status: 'verified', userId, operatorId: slot.operatorId };
    }
    const sid = newSessionId();
    const now = (this.opts.clock ?? Date.now)();
    const reply = await storeCall(() =>
      this.guard.r.cgLoginSuccess(
        keys.user(userId),
        keys.attempts(userId),
        keys.session(userId),
        slot.token,
        slot.hash,
        slot.operatorId,
        String(now),
        config.session.singleLogin,
        String(config.session.idleTimeoutMs),
        String(config.session.maxAgeMs),
        String(SESSION_GRACE_MS),
        sid,
        input.cert.field,
      ),
    );
    const [status, replaced, mustChange] = reply;
    switch (status) {
      case 'ok':
        await this.audit(input, 'login.success', { replacedSession: replaced === '1', mustChange: mustChange === '1' });
        return { status: 'ok', userId, sid, mustChange: mustChange === '1', replaced: replaced === '1' };
      case 'multiple-login':
        await this.audit(input, 'login.refused', { reason: 'multiple-login' });
        return { status: 'multiple-login' };
      case 'locked':
        await this.audit(input, 'login.failure', { reason: 'locked' });
        return { status: 'account-locked' };
      case 'stale':
        return this.failed(input, 'changed-meanwhile');
      default:
        return this.failed(input, 'unknown-user');
    }
  }

  private async failed(input: LoginInput, reason: FailureReason): Promise<LoginResult> {
    await this.audit(input, 'login.failure', { reason });
    return { status: 'invalid-credentials' };
  }

  /** Gateway-side audit entry: the attempted user ID as actor, never the password. */
  async audit(input: Pick<LoginInput, 'userId' | 'cert' | 'remoteAddress'>, action: string, details: Record<string, string | number | boolean>): Promise<void> {
    const actor = isUserId(input.userId) ? input.userId : `(invalid user ID, ${Math.min(String(input.userId).length, 999)} characters)`;
    try {
      await recordAudit(this.opts.audit, { actor, source: 'gateway' }, action, isUserId(input.userId) ? input.userId : undefined, {
        ...details,
        cert: input.cert.field,
        certOperator: input.cert.operatorId,
        remoteAddress: input.remoteAddress,
      });
    } catch (err) {
      // The verdict stands (a failed store would have failed the login scripts too); say it loudly.
      this.opts.logger.error({ err: { message: (err as Error).message }, action }, 'audit entry could not be written');
    }
  }

  private count(outcome: string): void {
    this.opts.metrics?.logins.inc({ outcome });
  }
}
