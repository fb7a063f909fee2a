// The password policy (README "Security") (8–20 half-width printable characters, three of four character
// classes, not the user ID); history reuse is checked by the caller against stored hashes.
import type { PasswordError } from './password-errors.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 20;
/** Longer input is refused before any hashing: argon2 must never be fed attacker-sized input. */
export const PASSWORD_MAX_BYTES = 128;
/** Passwords remembered, the current one included ("none of the last 4"). */
export const PASSWORD_HISTORY = 4;

/** Half-width ASCII printable characters other than the space. */
const ALLOWED = /^[\x21-\x7e]*$/;
export const SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export function characterClasses(password: string): number {
  let n = 0;
  if (/[A-Z]/.test(password)) n++;
  if (/[a-z]/.test(password)) n++;
  if (/[0-9]/.test(password)) n++;
  if (/[^A-Za-z0-9]/.test(password)) n++;
  return n;
}

/**
 * The first rule the new password breaks, or undefined when the static rules hold. The order is the
 * one that tells the user the most useful thing first (wrong characters before wrong length).
 */
export function checkPasswordRules(password: string, userId: string): PasswordError | undefined {
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) return 'length';
  if (!ALLOWED.test(password)) return 'charset';
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return 'length';
  if (characterClasses(password) < 3) return 'classes';
  if (password.toLowerCase() === userId.toLowerCase()) return 'same-as-user-id';
  return undefined;
}

/** What the user should do, per violation (CLI and logs; the pages carry their own translated text). */
export const POLICY_HINTS: Record<PasswordError, string> = {
  length: `use ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
  charset: 'use only half-width letters, digits and symbols (no spaces or full-width characters)',
  classes: 'mix at least three of: upper-case letters, lower-case letters, digits, symbols',
  'same-as-user-id': 'choose a password different from your user ID',
  reused: `choose a password you have not used for your last ${PASSWORD_HISTORY} passwords`,
  mismatch: 'type the same new password in both fields',
  'wrong-current': 'enter your current (or temporary) password correctly',
};
