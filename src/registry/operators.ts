// Business operators (事業者): the owners of users and certificates. Stored as one hash
// operatorId → JSON { name, createdAt, emails? }; there is no removal, so references never dangle.
import type { Store } from '../store/store.js';
import { recordWrite, type AuditBy, type AuditLog } from '../audit/audit-log.js';
import { errors } from '../errors/certgate-error.js';
import { storeCall } from '../store/redis.js';
import { keys } from '../store/keys.js';
import { defineScripts } from '../store/scripts.js';
import { validateEmail } from '../users/email.js';

export const OPERATOR_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface Operator {
  id: string;
  name: string;
  createdAt: number;
  /** Contact addresses for notices (certificate expiry); empty when none were given. */
  emails: string[];
}

/** Validated, de-duplicated contact addresses (a bad one is a usage error naming it). */
export function validateEmails(list: readonly string[]): string[] {
  return [...new Set(list.map((e) => validateEmail(e, 'operator contact address')))];
}

// Replace one operator's JSON only if it still holds what we read (a concurrent change is not lost).
const OPERATOR_SCRIPTS = {
  /** KEYS: operators hash. ARGV: id, expected json, new json → 1 replaced, 0 changed meanwhile. */
  cgOperatorSetIfSame: {
    numberOfKeys: 1,
    lua: "if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1",
  },
};
interface OperatorScripts {
  cgOperatorSetIfSame(operators: string, id: string, expected: string, next: string): Promise<number>;
}

export function validateOperatorId(id: string): string {
  if (!OPERATOR_ID.test(id)) {
    throw errors.usage(`"${id}" is not a valid operator id; use 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`);
  }
  return id;
}

export const unknownOperator = (id: string) =>
  errors.notFound(`operator "${id}" does not exist; create it first with \`certgate operator add ${id} --name <name>\``);

export class OperatorStore {
  private readonly r: Store & OperatorScripts;

  constructor(
    private readonly redis: Store,
    private readonly audit?: AuditLog,
  ) {
    this.r = defineScripts<OperatorScripts>(redis, OPERATOR_SCRIPTS);
  }

  async add(id: string, name: string, by?: AuditBy, emails: readonly string[] = []): Promise<Operator> {
    validateOperatorId(id);
    if (name.trim() === '') throw errors.usage('the operator name must not be empty; pass --name <name>');
    const op: Operator = { id, name: name.trim(), createdAt: Date.now(), emails: validateEmails(emails) };
    const created = await storeCall(() => this.redis.hsetnx(keys.operators, id, encode(op)));
    if (created === 0) throw errors.conflict(`operator "${id}" already exists; see \`certgate operator list\``);
    await recordWrite(this.audit, this.redis, [keys.operators], by, 'operator.add', id, { name: op.name, emails: op.emails.length > 0 ? op.emails : undefined });
    return op;
  }

  /** Replaces the operator's contact addresses. */
  async setEmails(id: string, emails: readonly string[], by?: AuditBy): Promise<Operator> {
    const list = validateEmails(emails);
    for (let attempt = 0; attempt < 5; attempt++) {
      const json = await storeCall(() => this.redis.hget(keys.operators, id));
      if (json === null) throw unknownOperator(id);
      const op = { ...parse(id, json), emails: list };
      if ((await storeCall(() => this.r.cgOperatorSetIfSame(keys.operators, id, json, encode(op)))) === 1) {
        await recordWrite(this.audit, this.redis, [keys.operators], by, 'operator.set-email', id, { emails: list });
        return op;
      }
    }
    throw errors.conflict(`operator "${id}" is being changed by someone else; try again`);
  }

  async get(id: string): Promise<Operator | undefined> {
    const json = await storeCall(() => this.redis.hget(keys.operators, id));
    return json === null ? undefined : parse(id, json);
  }

  async exists(id: string): Promise<boolean> {
    return (await storeCall(() => this.redis.hexists(keys.operators, id))) === 1;
  }

  /** Which of `ids` exist (one round trip per 1000). */
  async existing(ids: Iterable<string>): Promise<Set<string>> {
    const list = [...new Set(ids)];
    const found = new Set<string>();
    for (let i = 0; i < list.length; i += 1000) {
      const chunk = list.slice(i, i + 1000);
      const values = await storeCall(() => this.redis.hmget(keys.operators, ...chunk));
      chunk.forEach((id, j) => values[j] !== null && found.add(id));
    }
    return found;
  }

  async list(): Promise<Operator[]> {
    const all = await storeCall(() => this.redis.hgetall(keys.operators));
    return Object.entries(all)
      .map(([id, json]) => parse(id, json))
      .sort((a, b) => a.id.localeCompare(b.id));
  }
}

const encode = (op: Operator): string =>
  JSON.stringify({ name: op.name, createdAt: op.createdAt, ...(op.emails.length > 0 ? { emails: op.emails } : {}) });

function parse(id: string, json: string): Operator {
  try {
    const v = JSON.parse(json) as { name?: unknown; createdAt?: unknown; emails?: unknown };
    const emails = Array.isArray(v.emails) ? v.emails.filter((e): e is string => typeof e === 'string') : [];
    return { id, name: typeof v.name === 'string' ? v.name : id, createdAt: typeof v.createdAt === 'number' ? v.createdAt : 0, emails };
  } catch (err) {
    throw errors.internal(`operator record ${id} is not valid JSON`, err);
  }
}
