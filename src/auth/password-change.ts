// Changing a password (forced after a temporary one, or by choice): policy, current password
// (counted like a login failure), the last 4 passwords, then one compare-and-set script.
import type { PasswordError } from '../pages/types.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import { PASSWORD_HISTORY, checkPasswordRules } from '../users/password-policy.js';
import { USER_SCRIPTS, defineScripts, type UserScripts } from '../users/user-scripts.js';
import type { LoginService } from './login-service.js';

export interface PasswordChangeInput {
  userId: string;
  sid: string;
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
  /** Keep the calling session (voluntary change); a forced change ends it and the user logs in again. */
  keepSession: boolean;
  /** With keepSession: the id the kept session continues under (a password change renews the session id). */
  newSid?: string;
  cert: { field: string; operatorId: string };
  remoteAddress?: string;
}

export type PasswordChangeResult = { status: 'ok' } | { status: 'invalid'; error: PasswordError } | { status: 'locked' | 'gone' };

export async function changePassword(service: LoginService, input: PasswordChangeInput): Promise<PasswordChangeResult> {
  const { hasher } = service.opts;
  const { userId } = input;
  const invalid = async (error: PasswordError): Promise<PasswordChangeResult> => {
    await service.audit(input, 'password.change-refused', { reason: error });
    return { status: 'invalid', error };
  };

  const rule = checkPasswordRules(input.newPassword, userId);
  if (rule) return invalid(rule);
  if (input.newPassword !== input.confirmPassword) return invalid('mismatch');

  const slot = await service.guard.reserve(userId);
  if (slot.status === 'unknown' || slot.status === 'foreign') return { status: 'gone' };
  if (slot.status === 'locked') return { status: 'locked' };

  let releaseNeeded = true;
  try {
    if (!(await hasher.verify(slot.hash, input.currentPassword))) {
      releaseNeeded = false;
      const verdict = await service.guard.fail(userId, slot.token);
      if (verdict.status === 'gone') return { status: 'gone' };
      if (verdict.status !== 'counted') {
        if (verdict.status === 'locked-now') {
          service.opts.metrics?.lockouts.inc();
          await service.audit(input, 'user.locked', { reason: 'too-many-failures', failures: verdict.failures });
        }
        return { status: 'locked' };
      }
      return await invalid('wrong-current');
    }
    // "None of the last 4 passwords, the current one included": the current hash is checked even
    // if the stored history were damaged.
    const recent = [...new Set([slot.hash, ...slot.history])].slice(0, PASSWORD_HISTORY);
    for (const old of recent) {
      if (await hasher.verify(old, input.newPassword)) return await invalid('reused');
    }
    const newHash = await hasher.hash(input.newPassword);
    const r = defineScripts<UserScripts>(service.opts.redis, USER_SCRIPTS);
    releaseNeeded = false;
    const outcome = await storeCall(() =>
      r.cgUserChangePassword(
        keys.user(userId),
        keys.session(userId),
        keys.attempts(userId),
        slot.hash,
        newHash,
        String((service.opts.clock ?? Date.now)()),
        String(PASSWORD_HISTORY),
        input.keepSession ? input.sid : '',
        slot.token,
        input.keepSession ? (input.newSid ?? '') : '',
      ),
    );
    if (outcome === 'stale') return await invalid('wrong-current');
    if (outcome !== 'ok') return { status: outcome };
    await service.audit(input, 'password.change', { forced: !input.keepSession });
    return { status: 'ok' };
  } finally {
    if (releaseNeeded) await service.guard.release(userId, slot.token);
  }
}
