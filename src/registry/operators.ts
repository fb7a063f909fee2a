// Business operators (事業者): the owners of users and certificates. Stored as one hash
// operatorId → JSON { name, createdAt }; there is no removal, so references never dangle.
import type { Store } from '../store/store.js';
import { recordWrite, type AuditBy, type AuditLog } from '../audit/audit-log.js';
import { errors } from '../errors/certgate-error.js';
import { storeCall } from '../store/redis.js';
import { keys } from '../store/keys.js';

export const OPERATOR_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface Operator {
  id: string;
  name: string;
  createdAt: number;
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
  constructor(
    private readonly redis: Store,
    private readonly audit?: AuditLog,
  ) {}

  async add(id: string, name: string, by?: AuditBy): Promise<Operator> {
    validateOperatorId(id);
    if (name.trim() === '') throw errors.usage('the operator name must not be empty; pass --name <name>');
    const op: Operator = { id, name: name.trim(), createdAt: Date.now() };
    const created = await storeCall(() => this.redis.hsetnx(keys.operators, id, JSON.stringify({ name: op.name, createdAt: op.createdAt })));
    if (created === 0) throw errors.conflict(`operator "${id}" already exists; see \`certgate operator list\``);
    await recordWrite(this.audit, this.redis, [keys.operators], by, 'operator.add', id, { name: op.name });
    return op;
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

function parse(id: string, json: string): Operator {
  try {
    const v = JSON.parse(json) as { name?: unknown; createdAt?: unknown };
    return { id, name: typeof v.name === 'string' ? v.name : id, createdAt: typeof v.createdAt === 'number' ? v.createdAt : 0 };
  } catch (err) {
    throw errors.internal(`operator record ${id} is not valid JSON`, err);
  }
}
