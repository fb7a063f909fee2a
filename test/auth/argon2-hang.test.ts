// A hung argon2 child (SIGSTOP) behind a real gateway: the waiting login gets the 503 system-error
// page within CERTGATE_ARGON2_TIMEOUT, /readyz names the hasher while it is unhealthy, and a new child
// takes over. The deadline is the product default (10 s): a stopped child never answers, so any
// finite deadline proves the login does not hang, while a healthy child at nice 19 on a loaded
// 2-core machine may take well over a second for one verify and must not be mistaken for a hang.
import t, { type Test } from 'tap';
import { startStack, formOf, type Stack } from '../helpers/stack.js';

let stack: Stack;
let password: string;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_ARGON2_TIMEOUT: '10s' } });
  password = await stack.createUser('tama');
});
t.teardown(() => stack.close());

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function stopChild(t: Test): number {
  const pid = stack.gateway.argon2.pid;
  if (!pid) throw new Error('no argon2 child yet');
  process.kill(pid, 'SIGSTOP');
  t.teardown(() => {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  });
  return pid;
}

async function postLogin() {
  const form = await formOf(stack, 'demo', '/auth/login');
  return stack.request('demo', '/auth/login', { method: 'POST', cookie: form.cookie, body: new URLSearchParams({ _csrf: form.csrf, userId: 'tama', password }).toString() });
}

t.test('a login waiting on a stopped child gets 503 system-error; the next login works', async (t) => {
  const stopped = stopChild(t);
  const res = await postLogin();
  t.equal(res.status, 503);
  t.equal(res.page, 'system-error');
  t.notOk(alive(stopped) && stack.gateway.argon2.pid === stopped, 'the stopped child was replaced');
  t.equal((await postLogin()).status, 303, 'a new child verifies the password');
  t.ok(stack.logs.some((l) => l.msg === 'argon2 child did not answer in time; killed and replaced'), 'logged');
  t.equal(await stack.redis.client().hget('cg:{u:tama}:user', 'failures'), '0', 'the hang did not count as a wrong password');
});

t.test('/readyz reports the hasher while its child does not answer', async (t) => {
  const ops = `http://127.0.0.1:${stack.gateway.opsPort}/readyz`;
  // Before the stop: ready (a wait for that state with a generous ceiling; the child may be starting).
  const ready = await readyWithin(ops, 60_000);
  t.equal(ready.status, 200);
  t.equal(ready.checks.hasher?.ok, true);
  stopChild(t);
  const res = await fetch(ops);
  t.equal(res.status, 503);
  const body = (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
  t.equal(body.checks.hasher?.ok, false);
  // The readiness ping's own deadline is the argon2 deadline capped at 2 s (src/users/argon2-child-engine.ts).
  t.match(body.checks.hasher?.error ?? '', /did not answer within 2000 ms/);
  t.equal(body.checks.store?.ok, true);
  // The replacement was forked at once; it answers once Node and argon2 are loaded.
  const again = await readyWithin(ops, 60_000);
  t.equal(again.status, 200, 'ready again once the replacement answers');
});

/** /readyz until it answers 200, at most `ceilingMs` (each call itself waits for the hasher's answer). */
async function readyWithin(url: string, ceilingMs: number): Promise<{ status: number; checks: Record<string, { ok: boolean; error?: string }> }> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    const res = await fetch(url);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
    if (res.status === 200 || Date.now() > deadline) return { status: res.status, checks: body.checks };
  }
}
