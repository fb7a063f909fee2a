// argon2 in a real low-priority child process: round trip, nice 19 on every thread, crash → 503 then respawn, no orphan.
import t from 'tap';
import { getPriority } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { Argon2ChildEngine } from '../../src/users/argon2-child-engine.js';
import { DEFAULT_ARGON2, PasswordHasher } from '../../src/users/password-hasher.js';
import { isCertgateError } from '../../src/errors/certgate-error.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Nice value of every thread of `pid` (field 19 of /proc/<pid>/task/<tid>/stat, after the "(comm)"). */
const threadNices = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });

const overloaded = (err: unknown): boolean => isCertgateError(err) && err.code === 'OVERLOADED' && err.status === 503;

t.test('hash and verify round trip through a child running at nice 19', async (t) => {
  const engine = new Argon2ChildEngine();
  t.teardown(() => engine.close());
  t.equal(engine.pid, undefined, 'forked lazily, not at construction');
  const hash = await engine.hash('Abcdef1!', DEFAULT_ARGON2);
  t.match(hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  t.equal(await engine.verify(hash, 'Abcdef1!'), true);
  t.equal(await engine.verify(hash, 'Abcdef1?'), false);
  t.equal(await engine.verify('not-a-hash', 'Abcdef1!'), false, 'a corrupt stored hash never matches');
  await t.rejects(engine.hash('Abcdef1!', { ...DEFAULT_ARGON2, memoryCost: 1 }), /^argon2: /, 'an argon2 error reaches the caller');
  const pid = engine.pid!;
  t.ok(pid && pid !== process.pid, 'a separate process did the work');
  t.equal(getPriority(pid), 19);
  if (process.platform === 'linux') {
    const nices = threadNices(pid);
    t.ok(nices.length > 1, 'the threadpool exists by now');
    t.same(new Set(nices), new Set([19]), 'every thread of the child, argon2 workers included, is at nice 19');
  }
});

t.test('a child killed mid-work fails pending operations with OVERLOADED; the next call respawns it', async (t) => {
  const engine = new Argon2ChildEngine();
  t.teardown(() => engine.close());
  const hasher = new PasswordHasher(DEFAULT_ARGON2, { concurrency: 2, queue: 4 }, engine);
  const hash = await hasher.hash('Abcdef1!');
  const first = engine.pid!;
  const inChild = [hasher.verify(hash, 'Abcdef1!'), hasher.hash('Abcdef1!x')];
  const queued = hasher.verify(hash, 'Abcdef1!');
  process.kill(first, 'SIGKILL');
  for (const r of await Promise.allSettled(inChild)) {
    t.ok(r.status === 'rejected' && overloaded(r.reason), 'OVERLOADED, never read as a wrong password');
  }
  t.equal(await queued, true, 'work still queued in the hasher runs on a new child');
  t.same(hasher.load, { active: 0, waiting: 0 }, 'slots are all released');
  t.equal(await hasher.verify(hash, 'Abcdef1!'), true, 'works again');
  t.not(engine.pid, first, 'on a new child');
  t.equal(getPriority(engine.pid!), 19);
});

t.test('close() leaves no child running and refuses later work', async (t) => {
  const engine = new Argon2ChildEngine();
  await engine.close();
  t.equal(engine.pid, undefined, 'closing an engine never used forks nothing');
  const used = new Argon2ChildEngine();
  const hasher = new PasswordHasher(undefined, undefined, used);
  await hasher.warmUp();
  const pid = used.pid!;
  t.ok(alive(pid));
  const pending = hasher.hash('Abcdef1!');
  await used.close();
  t.notOk(alive(pid), 'the child is gone');
  t.equal(used.pid, undefined);
  await t.rejects(pending, { code: 'OVERLOADED' }, 'work in flight at close gets a retryable 503');
  await t.rejects(hasher.hash('Abcdef1!'), { code: 'OVERLOADED' });
});

t.test('a stopped (SIGSTOP) child misses its deadline: killed, pending work fails with 503, a new child serves', async (t) => {
  const hung: Array<number | undefined> = [];
  // The product default: a stopped child never answers, so any deadline proves it; a healthy nice-19
  // child on a loaded machine may need seconds for the verify after the replacement.
  const engine = new Argon2ChildEngine({ deadlineMs: 10_000, onHung: ({ pid }) => hung.push(pid) });
  t.teardown(() => engine.close());
  const hash = await engine.hash('Abcdef1!', DEFAULT_ARGON2);
  const stopped = engine.pid!;
  t.same(await engine.health(), { ok: true }, 'healthy while the child answers');
  process.kill(stopped, 'SIGSTOP');
  t.teardown(() => {
    if (alive(stopped)) process.kill(stopped, 'SIGKILL');
  });
  const results = await Promise.allSettled([engine.verify(hash, 'Abcdef1!'), engine.verify(hash, 'wrong')]);
  for (const r of results) t.ok(r.status === 'rejected' && overloaded(r.reason), 'waiting work fails with OVERLOADED (503)');
  t.same(hung, [stopped], 'reported once');
  for (const until = Date.now() + 60_000; alive(stopped) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
  t.notOk(alive(stopped), 'the stopped child was killed');
  const health = await engine.health();
  t.equal(health.ok, true, 'the replacement answers the readiness ping');
  t.not(engine.pid, stopped, 'a new child');
  t.equal(await engine.verify(hash, 'Abcdef1!'), true, 'and does the work');
});

t.test('health reports a stopped child before any login notices', async (t) => {
  const engine = new Argon2ChildEngine({ deadlineMs: 500 });
  t.teardown(() => engine.close());
  await engine.hash('Abcdef1!', DEFAULT_ARGON2);
  const stopped = engine.pid!;
  process.kill(stopped, 'SIGSTOP');
  t.teardown(() => {
    if (alive(stopped)) process.kill(stopped, 'SIGKILL');
  });
  const health = await engine.health();
  t.equal(health.ok, false);
  t.match(!health.ok ? health.error : '', /did not answer within 500 ms/);
  t.same(await engine.health(), { ok: true }, 'the replacement is healthy');
});
