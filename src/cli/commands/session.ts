// `certgate session …`: the live sessions, and ending one at once.
import type { Command } from 'commander';
import { errors } from '../../errors/certgate-error.js';
import { parseDuration } from '../../config/duration.js';
import { SessionStore, type SessionOptions, type SessionRecord } from '../../session/session-store.js';
import { UserStore } from '../../users/user-store.js';
import { recordWrite } from '../../audit/audit-log.js';
import { keys } from '../../store/keys.js';
import { displaySerial } from '../../tls/serial.js';
import type { CliContext } from '../context.js';
import { localDateTime, table } from '../format.js';

/** Idle and absolute limits from the gateway's variables (a session past either is not "active"). */
export function sessionOptionsFromEnv(env: NodeJS.ProcessEnv): SessionOptions {
  const duration = (name: string, fallback: string) => {
    const ms = parseDuration(env[name] || fallback);
    if (ms === undefined) throw errors.configInvalid(`${name} must be a duration such as 90s, 30m, 12h or 2d (got "${env[name]}")`);
    return ms;
  };
  return {
    idleTimeoutMs: duration('CERTGATE_SESSION_IDLE_TIMEOUT', '30m'),
    maxAgeMs: duration('CERTGATE_SESSION_MAX_AGE', '12h'),
    singleLogin: env.CERTGATE_SINGLE_LOGIN === 'reject' ? 'reject' : 'replace',
  };
}

/** The session's certificate (registryField `<issuerId>:<serial>`) in the forms `serial list` prints. */
function certOf(field: string): { issuerId: string; serial: string; displaySerial: string } {
  const colon = field.indexOf(':');
  const serial = field.slice(colon + 1);
  return { issuerId: field.slice(0, Math.max(colon, 0)), serial, displaySerial: /^[0-9A-F]+$/.test(serial) ? displaySerial(serial) : serial };
}

function sessionJson(s: SessionRecord) {
  return {
    userId: s.userId,
    operator: s.operatorId,
    name: s.name,
    roles: s.roles,
    cert: certOf(s.cert),
    createdAt: new Date(s.createdAt).toISOString(),
    lastSeen: new Date(s.lastSeen).toISOString(),
    mustChange: s.mustChange,
  };
}

export function register(program: Command, ctx: CliContext): void {
  const session = program.command('session').description('live login sessions');
  session
    .command('list')
    .description('active sessions (within the idle and absolute limits)')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: { json?: boolean }) => {
      const store = new SessionStore(await ctx.redis(), sessionOptionsFromEnv(ctx.env));
      const list = await store.list(ctx.now());
      if (o.json) return ctx.printJson(list.map(sessionJson));
      if (list.length === 0) return ctx.print('no active sessions');
      const rows = list.map((s) => [s.userId, s.operatorId, s.name, certOf(s.cert).displaySerial, localDateTime(s.createdAt, ctx.timeZone()), localDateTime(s.lastSeen, ctx.timeZone())]);
      ctx.print(table(['USER', 'OPERATOR', 'NAME', 'CERT SERIAL', 'SINCE', 'LAST SEEN'], rows));
    });
  session
    .command('kill <userId>')
    .description('end the user\'s session at once (their next request shows the session-timeout screen)')
    .action(async (userId: string) => {
      const redis = await ctx.redis();
      await new UserStore(redis).require(userId);
      const ended = await new SessionStore(redis, sessionOptionsFromEnv(ctx.env)).kill(userId);
      if (!ended) return ctx.print(`${userId} has no session; nothing to end`);
      await recordWrite(await ctx.audit(), redis, [keys.session(userId)], ctx.by, 'session.kill', userId);
      ctx.print(`ended the session of ${userId}`);
    });
}
