// `certgate user …`: create users (with a temporary password), reset, lock/unlock, list, show, remove.
import type { Command } from 'commander';
import { errors } from '../../errors/certgate-error.js';
import { ROLES } from '../../users/roles.js';
import { UserStore } from '../../users/user-store.js';
import type { UserRecord } from '../../users/user-record.js';
import { PasswordHasher } from '../../users/password-hasher.js';
import { DEFAULT_ARGON2 } from '../../users/password-hasher.js';
import { SessionStore } from '../../session/session-store.js';
import type { CliContext } from '../context.js';
import { isoOrNull, localDateTime, table } from '../format.js';
import { sessionOptionsFromEnv } from './session.js';
import { validateEmail, validateLang } from '../../users/email.js';

/** argon2 cost from the same variables the gateway reads (never below the OWASP minimum). */
export function hasherFromEnv(env: NodeJS.ProcessEnv): PasswordHasher {
  const int = (name: string, min: number, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < min) throw errors.configInvalid(`${name} must be a whole number of at least ${min} (got "${v}")`);
    return n;
  };
  return new PasswordHasher({
    memoryCost: int('CERTGATE_ARGON2_MEMORY_KIB', 19456, DEFAULT_ARGON2.memoryCost),
    timeCost: int('CERTGATE_ARGON2_ITERATIONS', 2, DEFAULT_ARGON2.timeCost),
    parallelism: int('CERTGATE_ARGON2_PARALLELISM', 1, DEFAULT_ARGON2.parallelism),
  });
}

async function userStore(ctx: CliContext): Promise<UserStore> {
  return new UserStore(await ctx.redis(), await ctx.audit(), hasherFromEnv(ctx.env));
}

const state = (u: UserRecord): string => (u.locked ? 'locked' : u.mustChange ? 'must-change' : 'active');

export function userJson(u: UserRecord) {
  return {
    userId: u.userId,
    operator: u.operatorId,
    name: u.name,
    roles: u.roles,
    state: state(u),
    mustChange: u.mustChange,
    locked: u.locked,
    lockedAt: isoOrNull(u.lockedAt),
    lockedReason: u.lockedReason ?? null,
    failures: u.failures,
    createdAt: new Date(u.createdAt).toISOString(),
    passwordChangedAt: isoOrNull(u.passwordChangedAt || undefined),
    lastLoginAt: isoOrNull(u.lastLoginAt),
    email: u.email ?? null,
    lang: u.lang,
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function printTemporary(ctx: CliContext, json: boolean | undefined, u: UserRecord, password: string, verb: string): void {
  if (json) return ctx.printJson({ ...userJson(u), temporaryPassword: password });
  ctx.print(`${verb} user ${u.userId} (operator ${u.operatorId}, roles ${u.roles.join(', ')})`);
  ctx.print(`temporary password: ${password}`);
  ctx.print('hand it over securely; the user must change it at the next login');
}

export function register(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('users who log in through the gateway');
  user
    .command('add <userId>')
    .description('create a user with a temporary password (changed at first login)')
    .requiredOption('--operator <id>', 'the business operator the user belongs to')
    .option('--name <name>', 'display name (default: the user ID)')
    .option('--role <role>', `role, repeatable: ${ROLES.join(', ')} (default operator-staff)`, collect)
    .option('--email <addr>', 'contact address for notices (expiry reminders, password resets)')
    .option('--lang <lang>', 'language of notices: ja (default) or en')
    .option('--json', 'one JSON document on stdout (includes temporaryPassword)')
    .action(async (userId: string, o: { operator: string; name?: string; role?: string[]; email?: string; lang?: string; json?: boolean }) => {
      // Checked before the store is touched: a typo in the address is a usage error, nothing is written.
      if (o.email !== undefined) validateEmail(o.email);
      if (o.lang !== undefined) validateLang(o.lang);
      const users = await userStore(ctx);
      const input = {
        userId,
        operatorId: o.operator,
        ...(o.name !== undefined ? { name: o.name } : {}),
        ...(o.role ? { roles: o.role } : {}),
        ...(o.email !== undefined ? { email: o.email } : {}),
        ...(o.lang !== undefined ? { lang: o.lang } : {}),
      };
      const { user: created, temporaryPassword } = await users.create(input, ctx.by);
      printTemporary(ctx, o.json, created, temporaryPassword, 'created');
    });
  user
    .command('reset-password <userId>')
    .description('issue a new temporary password; ends the user\'s session')
    .option('--json', 'one JSON document on stdout (includes temporaryPassword)')
    .action(async (userId: string, o: { json?: boolean }) => {
      const { user: u, temporaryPassword } = await (await userStore(ctx)).resetPassword(userId, ctx.by);
      printTemporary(ctx, o.json, u, temporaryPassword, 'reset the password of');
      if (u.locked && !o.json) ctx.warn(`note: ${userId} is still locked; run \`certgate user unlock ${userId}\` so the user can log in`);
    });
  user
    .command('set-email <userId> <addr>')
    .description('set the user\'s contact address for notices')
    .action(async (userId: string, addr: string) => {
      validateEmail(addr);
      const u = await (await userStore(ctx)).setEmail(userId, addr, ctx.by);
      ctx.print(`${u.userId} contact: ${u.email ?? '-'}`);
    });
  user
    .command('set-lang <userId> <lang>')
    .description('language of the notices the user receives: ja or en')
    .action(async (userId: string, lang: string) => {
      validateLang(lang);
      const u = await (await userStore(ctx)).setLang(userId, lang, ctx.by);
      ctx.print(`${u.userId} receives notices in ${u.lang === 'en' ? 'English' : 'Japanese'}`);
    });
  user
    .command('unlock <userId>')
    .description('unlock an account and reset its failure counter')
    .action(async (userId: string) => {
      const r = await (await userStore(ctx)).unlock(userId, ctx.by);
      ctx.print(r === 'unlocked' ? `unlocked ${userId}` : `${userId} was not locked (failure counter reset)`);
    });
  user
    .command('lock <userId>')
    .description('lock an account; ends its session')
    .action(async (userId: string) => {
      const r = await (await userStore(ctx)).lock(userId, ctx.by);
      ctx.print(r === 'locked' ? `locked ${userId}` : `${userId} was already locked`);
    });
  user
    .command('list')
    .description('users, optionally of one operator')
    .option('--operator <id>', 'only this operator\'s users')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { operator?: string; json?: boolean }) => {
      const users = await userStore(ctx);
      // "No users yet" for a misspelt operator would send the administrator looking in the wrong place.
      if (o.operator !== undefined && !(await users.operatorExists(o.operator))) {
        throw errors.notFound(`operator "${o.operator}" does not exist; see \`certgate operator list\``);
      }
      const list = await users.list(o.operator !== undefined ? { operatorId: o.operator } : {});
      if (o.json) return ctx.printJson(list.map(userJson));
      if (list.length === 0) {
        return ctx.print(
          o.operator !== undefined
            ? `operator ${o.operator} has no users yet; create one with \`certgate user add <userId> --operator ${o.operator}\``
            : 'no users yet; create one with `certgate user add <userId> --operator <id>`',
        );
      }
      const rows = list.map((u) => [u.userId, u.operatorId, u.name, u.roles.join(','), state(u), String(u.failures), u.lastLoginAt ? localDateTime(u.lastLoginAt, ctx.timeZone()) : '-']);
      ctx.print(table(['USER', 'OPERATOR', 'NAME', 'ROLES', 'STATE', 'FAILURES', 'LAST LOGIN'], rows));
    });
  user
    .command('show <userId>')
    .description('one user, with their session if any (never the password hash)')
    .option('--json', 'one JSON document on stdout')
    .action(async (userId: string, o: { json?: boolean }) => {
      const u = await (await userStore(ctx)).require(userId);
      const sessions = new SessionStore(await ctx.redis(), sessionOptionsFromEnv(ctx.env));
      const s = await sessions.get(userId);
      const live = s && sessions.isLive(s, ctx.now()) ? s : undefined;
      const session = live ? { createdAt: new Date(live.createdAt).toISOString(), lastSeen: new Date(live.lastSeen).toISOString(), cert: live.cert } : null;
      if (o.json) return ctx.printJson({ ...userJson(u), session });
      const rows: Array<[string, string]> = [
        ['user', u.userId],
        ['operator', u.operatorId],
        ['name', u.name],
        ['roles', u.roles.join(', ')],
        ['email', u.email ?? '-'],
        ['notice language', u.lang],
        ['state', state(u) + (u.locked && u.lockedReason ? ` (${u.lockedReason}${u.lockedAt ? `, ${localDateTime(u.lockedAt, ctx.timeZone())}` : ''})` : '')],
        ['failures', String(u.failures)],
        ['created', localDateTime(u.createdAt, ctx.timeZone())],
        ['password changed', u.passwordChangedAt ? localDateTime(u.passwordChangedAt, ctx.timeZone()) : '-'],
        ['last login', u.lastLoginAt ? localDateTime(u.lastLoginAt, ctx.timeZone()) : '-'],
        ['session', live ? `since ${localDateTime(live.createdAt, ctx.timeZone())}, last seen ${localDateTime(live.lastSeen, ctx.timeZone())}` : 'none'],
      ];
      for (const [k, v] of rows) ctx.print(`${`${k}:`.padEnd(18)}${v}`);
    });
  user
    .command('remove <userId>')
    .description('delete a user; ends their session')
    .action(async (userId: string) => {
      if (!(await (await userStore(ctx)).remove(userId, ctx.by))) {
        throw errors.notFound(`user "${userId}" does not exist (see \`certgate user list\`)`);
      }
      ctx.print(`removed ${userId}`);
    });
}
