// A hung argon2 child (SIGSTOP) behind a real gateway: the waiting login gets the 503 system-error
// page within CERTGATE_ARGON2_TIMEOUT, /readyz names the hasher while it is unhealthy, and a new child
// takes over.
import t, { type Test } from 'tap';
import { startStack, formOf, type Stack } from '../helpers/stack.js';

let stack: Stack;
let password: string;
t.before(async () => {
  stack = await startStack({ env: { CERTGATE_ARGON2_TIMEOUT: '1s' } });
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
  const ready = (await (await fetch(ops)).json()) as { checks: Record<string, { ok: boolean }> };
  t.equal(ready.checks.hasher?.ok, true);
  stopChild(t);
  const res = await fetch(ops);
  t.equal(res.status, 503);
  const body = (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
  t.equal(body.checks.hasher?.ok, false);
  t.match(body.checks.hasher?.error ?? '', /did not answer within 1000 ms/);
  t.equal(body.checks.store?.ok, true);
  const again = await fetch(ops);
  t.equal(again.status, 200, 'ready again once the replacement answers');
});
