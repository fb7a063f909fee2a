// Contact addresses of users and operators: one syntax check shared by the CLI, the admin pages and
// the notifier, strict enough that a typo is refused when it is typed rather than bounced later.
import { errors } from '../errors/certgate-error.js';

/** local@domain with a dotted domain; no spaces, quotes or angle brackets (they never belong in a contact). */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MAX_EMAIL = 254;

export const isEmail = (text: string): boolean =>
  text.length <= MAX_EMAIL && EMAIL.test(text) && !text.startsWith('.') && !text.includes('..') && !text.split('@')[0]!.endsWith('.');

/** The address trimmed, with the domain in lower case; a usage error naming the bad value otherwise. */
export function validateEmail(text: string, what = 'e-mail address'): string {
  const t = text.trim();
  if (!isEmail(t)) throw errors.usage(`"${text}" is not a valid ${what}; use the form name@example.co.jp`);
  const at = t.lastIndexOf('@');
  return `${t.slice(0, at)}@${t.slice(at + 1).toLowerCase()}`;
}

/** Languages a user may receive mail in: Japanese unless they chose English. */
export const USER_LANGS = ['ja', 'en'] as const;
export type UserLang = (typeof USER_LANGS)[number];

export function validateLang(text: string): UserLang {
  if (text === 'ja' || text === 'en') return text;
  throw errors.usage(`"${text}" is not a supported language; use ja or en`);
}
