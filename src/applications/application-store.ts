// Applications in Redis: one JSON string per application on its operator's slot ({o:<id>}), a
// per-operator sorted set, and two single-key indexes (id → operator, pending ids) for reviewers.
import type { Store } from '../store/store.js';
import { errors } from '../errors/certgate-error.js';
import { keys } from '../store/keys.js';
import { storeCall } from '../store/redis.js';
import { defineScripts } from '../store/scripts.js';
import { type Application, type StoredState, decodeApplication, encodeApplication } from './application.js';

const APPLICATION_SCRIPTS = {
  /** KEYS: record, operator index. ARGV: json, id, createdAt → 1 created, 0 id taken. Both on the operator's slot ({o:…}). */
  cgApplicationCreate: {
    numberOfKeys: 2,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return 1`,
  },
  /** KEYS: record. ARGV: expected json, new json → 1 swapped, 0 changed meanwhile, -1 gone. */
  cgApplicationSwap: {
    numberOfKeys: 1,
    lua: `
local cur = redis.call('GET', KEYS[1])
if not cur then return -1 end
if cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`,
  },
};
interface ApplicationScripts {
  cgApplicationCreate(record: string, index: string, json: string, id: string, createdAt: string): Promise<number>;
  cgApplicationSwap(record: string, expected: string, next: string): Promise<number>;
}

const MAX_SWAP_TRIES = 5;

export class ApplicationStore {
  private readonly r: Store & ApplicationScripts;

  constructor(private readonly redis: Store) {
    this.r = defineScripts<ApplicationScripts>(redis, APPLICATION_SCRIPTS);
  }

  async create(a: Application): Promise<void> {
    const created = await storeCall(() =>
      this.r.cgApplicationCreate(keys.application(a.operatorId, a.id), keys.operatorApplications(a.operatorId), encodeApplication(a), a.id, String(a.createdAt)),
    );
    if (Number(created) !== 1) throw errors.conflict(`application ${a.id} already exists; submit again`);
    // Indexes after the record: a stray index entry is skipped on read, a missing record never shown.
    await storeCall(() => this.redis.hset(keys.applicationIndex, a.id, a.operatorId));
    if (a.state === 'pending') await storeCall(() => this.redis.zadd(keys.pendingApplications, String(a.createdAt), a.id));
    if (a.kind === 'registration') {
      for (const c of a.certificates) {
        await storeCall(() => this.redis.set(keys.certificateApplication(c.issuerId, c.serial), `${a.operatorId}/${a.id}`));
      }
    }
  }

  /** The application, looked up through the id index; undefined when unknown. */
  async get(id: string): Promise<Application | undefined> {
    const operatorId = await storeCall(() => this.redis.hget(keys.applicationIndex, id));
    return operatorId === null ? undefined : this.getFor(operatorId, id);
  }

  async getFor(operatorId: string, id: string): Promise<Application | undefined> {
    const json = await storeCall(() => this.redis.get(keys.application(operatorId, id)));
    return json === null ? undefined : decodeApplication(json);
  }

  /** The newest `limit` applications of one operator, newest first (one slot: a single MGET). */
  async listByOperator(operatorId: string, limit = 200): Promise<Application[]> {
    const ids = await storeCall(() => this.redis.zrevrange(keys.operatorApplications(operatorId), 0, limit - 1));
    if (ids.length === 0) return [];
    const values = await storeCall(() => this.redis.mget(...ids.map((id) => keys.application(operatorId, id))));
    return values.filter((v): v is string => v !== null).map(decodeApplication);
  }

  /** Applications across operators (reviewers, CLI), newest first; `pendingOnly` reads the pending index. */
  async listAll(o: { pendingOnly?: boolean; limit?: number } = {}): Promise<Application[]> {
    const limit = o.limit ?? 1000;
    let ids: string[];
    if (o.pendingOnly) ids = await storeCall(() => this.redis.zrange(keys.pendingApplications, 0, limit - 1));
    else ids = Object.keys(await storeCall(() => this.redis.hgetall(keys.applicationIndex)));
    const index = ids.length === 0 ? [] : await storeCall(() => this.redis.hmget(keys.applicationIndex, ...ids));
    const byOperator = new Map<string, string[]>();
    ids.forEach((id, i) => {
      const op = index[i];
      if (op) byOperator.set(op, [...(byOperator.get(op) ?? []), id]);
    });
    const out: Application[] = [];
    // One MGET per operator: each touches that operator's slot only.
    for (const [op, list] of byOperator) {
      const values = await storeCall(() => this.redis.mget(...list.map((id) => keys.application(op, id))));
      for (const v of values) if (v !== null) out.push(decodeApplication(v));
    }
    out.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
    return out.slice(0, limit);
  }

  /**
   * Compare-and-set: `change` sees the current record and returns the new one, or a CertgateError to
   * refuse; retried when another writer got there first. Keeps the pending index in step.
   */
  async update(operatorId: string, id: string, change: (a: Application) => Application): Promise<Application> {
    const key = keys.application(operatorId, id);
    for (let i = 0; i < MAX_SWAP_TRIES; i++) {
      const json = await storeCall(() => this.redis.get(key));
      if (json === null) throw errors.notFound(`application ${id} does not exist (see \`certgate request list\`)`);
      const next = change(decodeApplication(json));
      const swapped = Number(await storeCall(() => this.r.cgApplicationSwap(key, json, encodeApplication(next))));
      if (swapped === -1) throw errors.notFound(`application ${id} does not exist (see \`certgate request list\`)`);
      if (swapped === 1) {
        if (!isOpen(next.state)) await storeCall(() => this.redis.zrem(keys.pendingApplications, id));
        return next;
      }
    }
    throw errors.conflict(`application ${id} kept changing while it was being updated; try again`);
  }

  /** `<operatorId>/<id>` of the newest application naming this certificate, if any. */
  async latestForCertificate(issuerId: string, serial: string): Promise<Application | undefined> {
    const ref = await storeCall(() => this.redis.get(keys.certificateApplication(issuerId, serial)));
    if (!ref) return undefined;
    const slash = ref.indexOf('/');
    return this.getFor(ref.slice(0, slash), ref.slice(slash + 1));
  }
}

const isOpen = (s: StoredState): boolean => s === 'pending' || s === 'approving';
