// Users in Redis: create, read, list, lock/unlock, reset password, remove. Every change of one user
// is one Lua script on the user's slot; lists scan every primary (store/user-scan.ts).
import { errors } from '../errors/certgate-error.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import type { Store } from '../store/store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { DEFAULT_ROLE, ROLES, isRole, roleConflict, type Role } from './roles.js';
import { USER_ID_RULE, isUserId } from './user-id.js';
import { readUserHashes } from '../store/user-scan.js';
import { F, decodeUser, encodeRoles, type UserRecord } from './user-record.js';
import { USER_SCRIPTS, type UserScripts } from './user-scripts.js';
import { defineScripts } from '../store/scripts.js';
import { PasswordHasher } from './password-hasher.js';
import { PASSWORD_HISTORY } from './password-policy.js';
import { temporaryPassword } from './temporary-password.js';
import { recordWrite, type AuditBy } from '../audit/audit-log.js';
import { type UserLang, validateEmail, validateLang } from './email.js';

export interface NewUser {
  userId: string;
  operatorId: string;
  name?: string;
  roles?: string[];
  /** Contact address for notices; validated (a bad address is a usage error). */
  email?: string;
  /** Language of notices: ja (default) or en. */
  lang?: string;
}

const MAX_NAME = 100;

export class UserStore {
  private readonly r: Store & UserScripts;

  constructor(
    redis: Store,
    private readonly audit?: AuditLog,
    private readonly hasher: PasswordHasher = new PasswordHasher(),
  ) {
    this.r = defineScripts<UserScripts>(redis, USER_SCRIPTS);
  }

  /** Creates the user with a temporary password that must be changed at first login. */
  async create(input: NewUser, by?: AuditBy): Promise<{ user: UserRecord; temporaryPassword: string }> {
    const userId = requireUserId(input.userId);
    const roles = validRoles(input.roles);
    const name = (input.name ?? userId).trim() || userId;
    if (name.length > MAX_NAME) throw errors.usage(`the name is longer than ${MAX_NAME} characters`);
    const email = input.email === undefined || input.email.trim() === '' ? undefined : validateEmail(input.email);
    const lang = input.lang === undefined ? undefined : validateLang(input.lang);
    if (!(await this.operatorExists(input.operatorId))) {
      throw errors.notFound(`operator "${input.operatorId}" does not exist; add it first with: certgate operator add ${input.operatorId} --name <name>`);
    }
    const password = temporaryPassword(userId);
    const hash = await this.hasher.hash(password);
    const now = String(Date.now());
    const fields: Record<string, string> = {
      [F.operator]: input.operatorId,
      [F.name]: name,
      [F.roles]: encodeRoles(roles),
      [F.hash]: hash,
      [F.history]: JSON.stringify([hash]),
      [F.mustChange]: '1',
      [F.failures]: '0',
      [F.locked]: '0',
      [F.createdAt]: now,
      [F.passwordChangedAt]: now,
      ...(email !== undefined ? { [F.email]: email } : {}),
      ...(lang !== undefined ? { [F.lang]: lang } : {}),
    };
    const created = await storeCall(() => this.r.cgUserCreate(keys.user(userId), ...Object.entries(fields).flat()));
    if (created !== 1) throw errors.conflict(`user "${userId}" already exists; use \`certgate user reset-password ${userId}\` for a new password`);
    await recordWrite(this.audit, this.r, [keys.user(userId)], by, 'user.add', userId, { operator: input.operatorId, name, roles, email, lang });
    return { user: (await this.get(userId))!, temporaryPassword: password };
  }

  async get(userId: string): Promise<UserRecord | undefined> {
    if (!isUserId(userId)) return undefined;
    const h = await storeCall(() => this.r.hgetall(keys.user(userId)));
    return decodeUser(userId, h);
  }

  /** The user, or NOT_FOUND with a message naming the ID. */
  async require(userId: string): Promise<UserRecord> {
    const user = await this.get(userId);
    if (!user) throw notFound(userId);
    return user;
  }

  async list(filter: { operatorId?: string } = {}): Promise<UserRecord[]> {
    const out: UserRecord[] = [];
    for (const { userId, hash } of await readUserHashes(this.r, keys.user)) {
      const user = decodeUser(userId, hash);
      if (user && (filter.operatorId === undefined || user.operatorId === filter.operatorId)) out.push(user);
    }
    return out;
  }


  /** Sets (or, with undefined, removes) the user's contact address for notices. */
  async setEmail(userId: string, email: string | undefined, by?: AuditBy): Promise<UserRecord> {
    requireUserId(userId);
    const value = email === undefined ? '' : validateEmail(email);
    const r = await storeCall(() => this.r.cgUserSetFields(keys.user(userId), F.email, value));
    if (r === 0) throw notFound(userId);
    await recordWrite(this.audit, this.r, [keys.user(userId)], by, 'user.set-email', userId, { email: value || '(removed)' });
    return this.require(userId);
  }

  /** Sets the language of the notices the user receives. */
  async setLang(userId: string, lang: string, by?: AuditBy): Promise<UserRecord> {
    requireUserId(userId);
    const value: UserLang = validateLang(lang);
    const r = await storeCall(() => this.r.cgUserSetFields(keys.user(userId), F.lang, value));
    if (r === 0) throw notFound(userId);
    await recordWrite(this.audit, this.r, [keys.user(userId)], by, 'user.set-lang', userId, { lang: value });
    return this.require(userId);
  }

  /** Deletes the user, its session and its attempt tokens; false when there was no such user. */
  async remove(userId: string, by?: AuditBy): Promise<boolean> {
    if (!isUserId(userId)) return false;
    // Read first: the audit entry keeps the operator, so the operator's history still shows the removal.
    const operatorId = (await this.get(userId))?.operatorId;
    const existed = await storeCall(() => this.r.cgUserRemove(keys.user(userId), keys.session(userId), keys.attempts(userId), keys.sessionEnded(userId)));
    if (existed === 1) await recordWrite(this.audit, this.r, [keys.user(userId)], by, 'user.remove', userId, { operator: operatorId });
    return existed === 1;
  }

  /** Locks the account and ends its session. */
  async lock(userId: string, by?: AuditBy, reason = 'admin'): Promise<'locked' | 'already-locked'> {
    requireUserId(userId);
    const r = await storeCall(() => this.r.cgUserLock(keys.user(userId), keys.session(userId), keys.sessionEnded(userId), String(Date.now()), reason));
    if (r === 0) throw notFound(userId);
    if (r === 1) await recordWrite(this.audit, this.r, [keys.user(userId)], by, 'user.lock', userId, { reason });
    return r === 1 ? 'locked' : 'already-locked';
  }

  /** Unlocks the account and resets its failure counter. */
  async unlock(userId: string, by?: AuditBy): Promise<'unlocked' | 'not-locked'> {
    requireUserId(userId);
    const r = await storeCall(() => this.r.cgUserUnlock(keys.user(userId), keys.attempts(userId)));
    if (r === 0) throw notFound(userId);
    await recordWrite(this.audit, this.r, [keys.user(userId)], by, 'user.unlock', userId, { wasLocked: r === 1 });
    return r === 1 ? 'unlocked' : 'not-locked';
  }

  /** New temporary password (must be changed at next login); ends the user's session. */
  async resetPassword(userId: string, by?: AuditBy): Promise<{ user: UserRecord; temporaryPassword: string }> {
    requireUserId(userId);
    await this.require(userId);
    const password = temporaryPassword(userId);
    const hash = await this.hasher.hash(password);
    const r = await storeCall(() =>
      this.r.cgUserResetPassword(keys.user(userId), keys.session(userId), keys.sessionEnded(userId), hash, String(Date.now()), String(PASSWORD_HISTORY)),
    );
    if (r === 0) throw notFound(userId);
    await recordWrite(this.audit, this.r, [keys.user(userId)], by, 'user.reset-password', userId);
    return { user: (await this.require(userId)), temporaryPassword: password };
  }

  /** Replaces the user's roles (validated like `user add`); the live session keeps its snapshot until the next login. */
  async setRoles(userId: string, roles: string[], by?: AuditBy): Promise<UserRecord> {
    requireUserId(userId);
    const valid = validRoles(roles);
    const r = await storeCall(() => this.r.cgUserSetField(keys.user(userId), F.roles, encodeRoles(valid)));
    if (r === 0) throw notFound(userId);
    const user = await this.require(userId);
    await recordWrite(this.audit, this.r, [keys.user(userId)], by, 'user.roles', userId, { operator: user.operatorId, roles: valid });
    return user;
  }

  async operatorExists(operatorId: string): Promise<boolean> {
    return (await storeCall(() => this.r.hexists(keys.operators, operatorId))) === 1;
  }
}

function requireUserId(userId: string): string {
  if (!isUserId(userId)) throw errors.usage(`"${userId}" is not a valid user ID: ${USER_ID_RULE}`);
  return userId;
}

function validRoles(roles: string[] | undefined): Role[] {
  const list = roles && roles.length > 0 ? roles : [DEFAULT_ROLE];
  const bad = list.find((r) => !isRole(r));
  if (bad !== undefined) throw errors.usage(`unknown role "${bad}"; use one of: ${ROLES.join(', ')}`);
  const unique = [...new Set(list as Role[])];
  const conflict = roleConflict(unique);
  if (conflict) throw errors.usage(`${conflict}; give --role market-reviewer alone`);
  return unique;
}

const notFound = (userId: string) => errors.notFound(`user "${userId}" does not exist (see \`certgate user list\`)`);
