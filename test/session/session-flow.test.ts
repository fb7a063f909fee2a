// Session rules over real TLS with CERTGATE_SINGLE_LOGIN=reject and a 1 s idle timeout: the second
// login is refused (409) while the first lives; idle → 401 session-timeout; kill → ended. Time is the
// gateway's injected clock, moved by the test: nothing sleeps.
import t from 'tap';
import { startStack, formOf, mergeCookies, testClock, type Stack } from '../helpers/stack.js';
import { keys } from '../../src/store/keys.js';
import type { DevClientName } from '../helpers/pki.js';

let stack: Stack;
const clock = testClock();
t.before(async () => {
  stack = await startStack({ clock: clock.now, env: { CERTGATE_SINGLE_LOGIN: 'reject', CERTGATE_SESSION_IDLE_TIMEOUT: '1s' } });
});
t.teardown(() => stack.close());

async function postLogin(client: DevClientName, userId: string, password: string) {
  const form = await formOf(stack, client, '/auth/login');
  const res = await stack.request(client, '/auth/login', {
    method: 'POST',
    cookie: form.cookie,
    body: new URLSearchParams({ _csrf: form.csrf, userId, password }).toString(),
  });
  return { res, cookie: mergeCookies(form.cookie, res.headers['set-cookie']) };
}

t.test('reject: a second login while the first session lives gets 409 multiple-login', async (t) => {
  // createUser logs in and changes the password; that session ended with the change.
  const password = await stack.createUser('alice');
  const first = await postLogin('demo', 'alice', password);
  t.equal(first.res.status, 303);
  const second = await postLogin('demo-ec', 'alice', password);
  t.equal(second.res.status, 409);
  t.equal(second.res.page, 'multiple-login');
  t.equal(second.res.reason, 'rejected');
  t.equal((await stack.request('demo', '/', { cookie: first.cookie })).status, 200, 'the first session is untouched');
});

t.test('idle past the timeout: 401 session-timeout (idle), then the slot is free again', async (t) => {
  clock.advance(1200); // the session of the previous test goes idle
  const first = await postLogin('demo', 'alice', 'Portal#2026ok');
  t.equal(first.res.status, 303, 'an idle session no longer blocks a new login');
  t.equal((await stack.request('demo', '/', { cookie: first.cookie })).status, 200);
  clock.advance(1200);
  const idle = await stack.request('demo', '/', { cookie: first.cookie });
  t.equal(idle.status, 401);
  t.equal(idle.page, 'session-timeout');
  t.equal(idle.reason, 'idle');
  t.ok((idle.headers['set-cookie'] as string[] | undefined)?.some((c) => /^__Host-certgate-session=;/.test(c)), 'cookie cleared');
  t.equal((await postLogin('demo-ec', 'alice', 'Portal#2026ok')).res.status, 303);
});

t.test('an administrator ending the session: the next request gets the ended-session screen with the reason', async (t) => {
  t.equal(await stack.gateway.deps.sessions.kill('alice'), true, 'the previous test\'s session');
  const { res, cookie } = await postLogin('demo', 'alice', 'Portal#2026ok');
  t.equal(res.status, 303);
  t.equal(await stack.gateway.deps.sessions.kill('alice'), true);
  const r = await stack.request('demo', '/', { cookie });
  t.equal(r.status, 401);
  t.equal(r.page, 'session-timeout');
  t.equal(r.reason, 'ended-by-admin', 'the screen says an administrator ended it');
  t.match(r.body, '管理者がセッションを終了しました');
  t.equal(await stack.redis.client().exists(keys.session('alice')), 0);
});

t.test('failed logins that lock the account end its live session, and that terminal is told why', async (t) => {
  const password = await stack.createUser('hanako');
  const { res, cookie } = await postLogin('demo', 'hanako', password);
  t.equal(res.status, 303);
  t.equal((await stack.request('demo', '/', { cookie })).status, 200, 'logged in');
  // Someone else, at another terminal, types wrong passwords up to the limit.
  const wrong = [];
  for (let i = 1; i <= 5; i++) wrong.push((await postLogin('demo-ec', 'hanako', `Wrong#Pass${i}`)).res.error);
  t.same(wrong, ['invalid-credentials', 'invalid-credentials', 'invalid-credentials', 'invalid-credentials', 'account-locked']);
  const r = await stack.request('demo', '/', { cookie });
  t.equal(r.status, 401);
  t.equal(r.page, 'session-timeout');
  t.equal(r.reason, 'account-locked', 'the screen says the account is locked, not that the session idled');
  t.equal(await stack.redis.client().exists(keys.session('hanako')), 0);
});

t.test('removing a user ends their live session with the ended-by-admin screen', async (t) => {
  const password = await stack.createUser('kenji');
  const { res, cookie } = await postLogin('demo', 'kenji', password);
  t.equal(res.status, 303);
  t.equal(await stack.gateway.deps.users.remove('kenji'), true);
  const r = await stack.request('demo', '/', { cookie });
  t.equal(r.status, 401);
  t.equal(r.page, 'session-timeout');
  t.equal(r.reason, 'ended-by-admin');
  t.equal(await stack.redis.client().exists(keys.session('kenji')), 0);
});

t.test('without a session: GET redirects with next, POST without next', async (t) => {
  const get = await stack.request('demo', '/auction?x=1');
  t.equal(get.status, 303);
  t.equal(get.headers.location, '/auth/login?next=%2Fauction%3Fx%3D1');
  const post = await stack.request('demo', '/auction', { method: 'POST', body: 'a=1' });
  t.equal(post.status, 303);
  t.equal(post.headers.location, '/auth/login');
  const tampered = await stack.request('demo', '/', { cookie: '__Host-certgate-session=YWxpY2U.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
  t.equal(tampered.status, 303, 'a forged cookie is no session');
  t.equal(stack.upstream.received.filter((r) => r.url.startsWith('/auction')).length, 0);
});
