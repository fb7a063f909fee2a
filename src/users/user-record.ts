// A user as stored in the hash keys.user(userId), and the view of it that may leave the store
// (never the hash or the history).
import type { Role } from './roles.js';
import { isRole } from './roles.js';
import type { UserLang } from './email.js';
import { LOCK_FIELDS } from './lock-rule.js';

export interface UserRecord {
  userId: string;
  operatorId: string;
  name: string;
  roles: Role[];
  mustChange: boolean;
  /** Consecutive wrong passwords since the last success or unlock. */
  failures: number;
  locked: boolean;
  /** ms since epoch, when locked. */
  lockedAt?: number;
  /** `too-many-failures` or `admin`. */
  lockedReason?: string;
  createdAt: number;
  passwordChangedAt: number;
  lastLoginAt?: number;
  /** Contact address for notices (expiry reminders, lockouts, password resets); optional. */
  email?: string;
  /** Language of the notices the user receives (default ja). */
  lang: UserLang;
}

/** Hash field names, short and fixed: Lua scripts and this file must agree (the lock rule's own in lock-rule.ts). */
export const F = {
  operator: 'operator',
  name: 'name',
  roles: 'roles',
  hash: 'hash',
  history: 'history',
  mustChange: 'mustChange',
  ...LOCK_FIELDS,
  createdAt: 'createdAt',
  passwordChangedAt: 'passwordChangedAt',
  lastLoginAt: 'lastLoginAt',
  email: 'email',
  lang: 'lang',
} as const;

export const encodeRoles = (roles: readonly string[]): string => roles.join(',');
export const decodeRoles = (text: string | undefined): Role[] => (text ? text.split(',').filter(isRole) : []);

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** The public view of a stored hash; undefined when the hash is empty (no such user). */
export function decodeUser(userId: string, h: Record<string, string>): UserRecord | undefined {
  if (h[F.hash] === undefined && h[F.operator] === undefined) return undefined;
  const record: UserRecord = {
    userId,
    operatorId: h[F.operator] ?? '',
    name: h[F.name] ?? '',
    roles: decodeRoles(h[F.roles]),
    mustChange: h[F.mustChange] === '1',
    failures: num(h[F.failures]) ?? 0,
    locked: h[F.locked] === '1',
    createdAt: num(h[F.createdAt]) ?? 0,
    passwordChangedAt: num(h[F.passwordChangedAt]) ?? 0,
    lang: h[F.lang] === 'en' ? 'en' : 'ja',
  };
  if (h[F.email]) record.email = h[F.email];
  const lockedAt = num(h[F.lockedAt]);
  if (record.locked && lockedAt !== undefined) record.lockedAt = lockedAt;
  if (record.locked && h[F.lockedReason]) record.lockedReason = h[F.lockedReason];
  const lastLoginAt = num(h[F.lastLoginAt]);
  if (lastLoginAt !== undefined) record.lastLoginAt = lastLoginAt;
  return record;
}

/** Stored history (newest first, current password included) from its JSON field; tolerant of damage. */
export function decodeHistory(json: string | undefined): string[] {
  if (!json) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
