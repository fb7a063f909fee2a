// Temporary passwords handed out by the CLI: 16 characters from crypto randomness that always meet
// the policy (all four classes present).
import { randomInt } from 'node:crypto';
import { checkPasswordRules } from './password-policy.js';

// No look-alikes (0/O, 1/l/I) and only symbols that survive shells, CSV files and e-mail unquoted.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '#%+-=@_';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

export const TEMPORARY_PASSWORD_LENGTH = 16;

const pick = (alphabet: string): string => alphabet[randomInt(alphabet.length)]!;

export function temporaryPassword(userId: string): string {
  for (;;) {
    const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
    while (chars.length < TEMPORARY_PASSWORD_LENGTH) chars.push(pick(ALL));
    // Fisher–Yates with crypto randomness: the class positions must not be predictable.
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    const password = chars.join('');
    if (checkPasswordRules(password, userId) === undefined) return password;
  }
}
