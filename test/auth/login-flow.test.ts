// The login flow over real TLS with the real gateway: forced change, wrong credentials, lockout,
// open redirects, replace policy, certificate binding, logout, cookie attributes, no-store, logs.
import t from 'tap';
import { startStack, formOf, mergeCookies, OPERATOR, type Stack } from '../helpers/stack.js';
import { keys } from '../../src/store/keys.js';
import type { DevClientName, Issued } from '../helpers/pki.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack();
});
t.teardown(() => stack.close());

/** POST the login form (fresh CSRF from a GET of the page) and return the response and the cookie jar. */
async function postLogin(client: DevClientName | Issued, userId: string, password: string, next?: string) {
  const form = await formOf(stack, client, '/auth/login');
  const res = await stack.request(client, '/auth/login', {
    method: 'POST',
    cookie: form.cookie,
    body: new URLSearchParams({ _csrf: form.csrf, userId, password, ...(next !== undefined ? { next } : {}) }).toString(),
  });
  return { res, cookie: mergeCookies(form.cookie, res.headers['set-cookie']) };
}

const setCookies = (h: string | string[] | undefined): string[] => (Array.isArray(h) ? h : h ? [h] : []);

t.test('login page: 200, no-store, CSRF cookie with __Host- attributes', async (t) => {
  const res = await stack.request('demo', '/auth/login');
  t.equal(res.status, 200);
  t.equal(res.page, 'login');
  t.equal(res.headers['cache-control'], 'no-store');
  t.match(res.body, /name="_csrf"/);
  const csrfCookie = setCookies(res.headers['set-cookie']).find((c) => c.startsWith('__Host-certgate-csrf='));
  t.match(csrfCookie, /; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
});

t.test('temporary password: forced change before anything else, then login with the new one', async (t) => {
  const { temporaryPassword } = await stack.gateway.deps.users.create({ userId: 'newbie', operatorId: OPERATOR, name: '新人 花子' });
  const { res, cookie } = await postLogin('demo', 'newbie', temporaryPassword, '/auction');
  t.equal(res.status, 303);
  t.equal(res.headers.location, '/auth/password');
  t.equal(res.headers['cache-control'], 'no-store');
  const session = setCookies(res.headers['set-cookie']).find((c) => c.startsWith('__Host-certgate-session='));
  t.match(session, /^__Host-certgate-session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
  t.notMatch(session, /Domain=/i);

  for (const path of ['/', '/auction', '/me?x=1']) {
    const r = await stack.request('demo', path, { cookie });
    t.equal(r.status, 303, `${path} redirects`);
    t.equal(r.headers.location, '/auth/password');
  }
  t.equal(stack.upstream.received.length, 0, 'nothing proxied while the change is pending');

  const page = await formOf(stack, 'demo', '/auth/password', cookie);
  t.equal(page.res.status, 200);
  t.equal(page.res.page, 'password-change');
  t.equal(page.res.headers['cache-control'], 'no-store');
  const change = (currentPassword: string, newPassword: string, confirmPassword = newPassword) =>
    stack.request('demo', '/auth/password', {
      method: 'POST',
      cookie: page.cookie,
      body: new URLSearchParams({ _csrf: page.csrf, currentPassword, newPassword, confirmPassword }).toString(),
    });
  const cases: Array<[string, string, string | undefined, string]> = [
    [temporaryPassword, 'Ab1!', undefined, 'length'],
    [temporaryPassword, 'Ａbcdefg1!', undefined, 'charset'],
    [temporaryPassword, 'abcdefgh12', undefined, 'classes'],
    [temporaryPassword, 'Newbie', undefined, 'length'],
    [temporaryPassword, 'Valid#Pass1', 'Valid#Pass2', 'mismatch'],
    ['Wrong#Pass1', 'Valid#Pass1', undefined, 'wrong-current'],
    [temporaryPassword, temporaryPassword, undefined, 'reused'],
  ];
  for (const [current, next, confirm, code] of cases) {
    const r = await change(current, next, confirm);
    t.equal(r.status, 422, code);
    t.equal(r.page, 'password-change');
    t.equal(r.error, code);
    t.equal(r.headers['cache-control'], 'no-store');
  }
  const done = await change(temporaryPassword, 'Valid#Pass1');
  t.equal(done.status, 200);
  t.equal(done.page, 'password-changed');
  t.match(done.body, /href="\/auth\/login/, 'the completion page links back to login');
  t.ok(setCookies(done.headers['set-cookie']).some((c) => /^__Host-certgate-session=;.*Max-Age=0/.test(c)), 'session cookie cleared');
  const old = await stack.request('demo', '/', { cookie });
  t.equal(old.status, 401, 'the old session has ended');
  t.equal(old.page, 'session-timeout');

  const again = await postLogin('demo', 'newbie', 'Valid#Pass1', '/auction?tab=2');
  t.equal(again.res.status, 303);
  t.equal(again.res.headers.location, '/auction?tab=2');
  const proxied = await stack.request('demo', '/auction?tab=2', { cookie: again.cookie });
  t.equal(proxied.status, 200);
  t.equal(stack.upstream.received.at(-1)?.headers['x-certgate-user'], 'newbie');
});

t.test('wrong user ID, wrong password, other operator: the same 401 invalid-credentials', async (t) => {
  const password = await stack.createUser('taro');
  const foreignOperator = stack.pki.issueClient({ commonName: 'other operator' });
  await stack.register(foreignOperator, 'OTHER-OP');
  const attempts: Array<[DevClientName | Issued, string, string]> = [
    ['demo', 'nobody', password],
    ['demo', 'taro', 'Wrong#Pass9'],
    [foreignOperator, 'taro', password],
  ];
  const bodies: string[] = [];
  for (const [client, userId, pw] of attempts) {
    const { res } = await postLogin(client, userId, pw);
    t.equal(res.status, 401);
    t.equal(res.page, 'login');
    t.equal(res.error, 'invalid-credentials');
    t.notOk(setCookies(res.headers['set-cookie']).some((c) => c.startsWith('__Host-certgate-session=')), 'no session');
    bodies.push(res.body.replace(/value="[^"]*"/g, ''));
  }
  t.equal(bodies[1], bodies[2], 'wrong password and other operator render the same page');
  const reasons = (await stack.gateway.deps.audit.list({ count: 1000 }))
    .filter((e) => e.action === 'login.failure')
    .map((e) => `${e.actor}:${e.detail.reason}`);
  t.same(reasons.slice(-3), ['nobody:unknown-user', 'taro:wrong-password', 'taro:operator-mismatch']);
});

t.test('lockout: 5 wrong passwords → 403 account-locked, even with the right password; unlock restores', async (t) => {
  const password = await stack.createUser('jiro');
  for (let i = 1; i <= 4; i++) t.equal((await postLogin('demo', 'jiro', `Wrong#Pass${i}`)).res.status, 401);
  const fifth = await postLogin('demo', 'jiro', 'Wrong#Pass5');
  t.equal(fifth.res.status, 403);
  t.equal(fifth.res.error, 'account-locked');
  const right = await postLogin('demo', 'jiro', password);
  t.equal(right.res.status, 403);
  t.equal(right.res.page, 'login');
  t.equal(right.res.error, 'account-locked');
  await stack.gateway.deps.users.unlock('jiro');
  t.equal((await postLogin('demo', 'jiro', password)).res.status, 303);
});

t.test('next: same-origin paths only', async (t) => {
  const password = await stack.createUser('saburo');
  const cases: Array<[string, string]> = [
    ['/contract?id=3', '/contract?id=3'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https:evil.example', '/'],
    ['https://evil.example/', '/'],
    ['/%2F%2Fevil.example', '/'],
    ['/%0d%0aSet-Cookie:%20x=1', '/'],
    ['javascript:alert(1)', '/'],
  ];
  for (const [next, location] of cases) {
    const { res } = await postLogin('demo', 'saburo', password, next);
    t.equal(res.status, 303, next);
    t.equal(res.headers.location, location, next);
  }
  const page = await stack.request('demo', '/auth/login?next=%2F%2Fevil.example');
  t.notMatch(page.body, /evil\.example/, 'the login form does not carry a foreign next');
});

t.test('replace: the older terminal gets 401 multiple-login; the certificate is bound to the session', async (t) => {
  const password = await stack.createUser('shiro');
  const first = await postLogin('demo', 'shiro', password);
  t.equal((await stack.request('demo', '/', { cookie: first.cookie })).status, 200);
  const second = await postLogin('demo-ec', 'shiro', password);
  t.equal(second.res.status, 303);
  const old = await stack.request('demo', '/', { cookie: first.cookie });
  t.equal(old.status, 401);
  t.equal(old.page, 'multiple-login');
  t.equal(old.reason, 'replaced');
  t.equal((await stack.request('demo-ec', '/', { cookie: second.cookie })).status, 200, 'the newer session lives on');
  // Same cookie, other certificate: the session ends.
  const swapped = await stack.request('demo', '/', { cookie: second.cookie });
  t.equal(swapped.status, 401);
  t.equal(swapped.page, 'session-timeout');
  t.equal(swapped.reason, 'cert-changed');
  t.equal((await stack.request('demo-ec', '/', { cookie: second.cookie })).status, 401, 'it stays ended');
});

t.test('logout: confirmation page, POST with CSRF ends the session and clears the cookie', async (t) => {
  const password = await stack.createUser('goro');
  const { cookie } = await postLogin('demo', 'goro', password);
  const confirm = await formOf(stack, 'demo', '/auth/logout', cookie);
  t.equal(confirm.res.status, 200);
  t.equal(confirm.res.page, 'logout-confirm');
  const noToken = await stack.request('demo', '/auth/logout', { method: 'POST', cookie: confirm.cookie, body: '' });
  t.equal(noToken.status, 403);
  t.equal(await stack.redis.client().exists(keys.session('goro')), 1, 'without a token nothing changed');
  const out = await stack.request('demo', '/auth/logout', {
    method: 'POST',
    cookie: confirm.cookie,
    body: new URLSearchParams({ _csrf: confirm.csrf }).toString(),
  });
  t.equal(out.status, 303);
  t.equal(out.headers.location, '/auth/login', 'back to the login screen …');
  t.ok(setCookies(out.headers['set-cookie']).some((c) => /^__Host-certgate-session=; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=0/.test(c)));
  const after = await stack.request('demo', '/auth/login', { cookie: mergeCookies(confirm.cookie, out.headers['set-cookie']) });
  t.equal(after.page, 'login');
  t.match(after.body, 'data-notice="logged-out"', '… which says the user has logged out');
  t.match(after.body, 'ログアウトしました。');
  t.ok(setCookies(after.headers['set-cookie']).some((c) => /^__Host-certgate-notice=;.*Max-Age=0/.test(c)), 'once');
  t.notMatch((await stack.request('demo', '/auth/login')).body, 'data-notice', 'an ordinary visit says nothing');
  t.equal(await stack.redis.client().exists(keys.session('goro')), 0);
  t.equal((await stack.request('demo', '/', { cookie })).status, 401, 'the old cookie is worthless');
});

t.test('closing an error screen logs out ([閉じる] leads to /auth/closed), never the newer login elsewhere', async (t) => {
  const password = await stack.createUser('rokuro');
  const first = await postLogin('demo', 'rokuro', password);
  await postLogin('demo-ec', 'rokuro', password);
  const page = await stack.request('demo', '/', { cookie: first.cookie });
  t.equal(page.page, 'multiple-login');
  t.match(page.body, /<a [^>]*href="\/auth\/closed"[^>]*data-action="close"/, 'the error page offers [閉じる]');
  const close = await stack.request('demo', '/auth/closed', { cookie: first.cookie });
  t.equal(close.status, 200);
  t.equal(close.page, 'logged-out');
  t.equal(await stack.redis.client().exists(keys.session('rokuro')), 1, 'the newer session elsewhere is not ended by the old terminal');

  // From a live session, [閉じる] ends it.
  const third = await postLogin('demo', 'rokuro', password);
  const closedLive = await stack.request('demo', '/auth/closed', { cookie: third.cookie, headers: { 'sec-fetch-site': 'same-origin' } });
  t.equal(closedLive.page, 'logged-out');
  t.ok(setCookies(closedLive.headers['set-cookie']).some((c) => /^__Host-certgate-session=;.*Max-Age=0/.test(c)), 'cookie cleared');
  t.equal(await stack.redis.client().exists(keys.session('rokuro')), 0, 'the session ended');
  // A cross-site link (a browser would not even send the SameSite=Strict cookie) ends nothing.
  const fourth = await postLogin('demo', 'rokuro', password);
  await stack.request('demo', '/auth/closed', { cookie: fourth.cookie, headers: { 'sec-fetch-site': 'cross-site' } });
  t.equal(await stack.redis.client().exists(keys.session('rokuro')), 1, 'a cross-site request ends no session');
});

t.test('CSRF: no token, another session\'s token, cross-site Origin → 403 and nothing changes', async (t) => {
  const password = await stack.createUser('hachi');
  const mine = await formOf(stack, 'demo', '/auth/login');
  const theirs = await formOf(stack, 'demo', '/auth/login');
  const post = (cookie: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
    stack.request('demo', '/auth/login', { method: 'POST', cookie, headers, body: new URLSearchParams(body).toString() });
  const creds = { userId: 'hachi', password };
  const refused = [
    await post(mine.cookie, creds),
    await post(mine.cookie, { ...creds, _csrf: theirs.csrf }),
    await post(mine.cookie, { ...creds, _csrf: mine.csrf }, { origin: 'https://evil.example' }),
    await post(mine.cookie, { ...creds, _csrf: mine.csrf }, { 'sec-fetch-site': 'cross-site' }),
    await post('', { ...creds, _csrf: mine.csrf }),
  ];
  for (const r of refused) {
    t.equal(r.status, 403);
    t.equal(r.page, 'system-error');
    t.equal(r.reason, 'csrf');
    t.notOk(setCookies(r.headers['set-cookie']).some((c) => c.startsWith('__Host-certgate-session=')));
  }
  t.equal(await stack.redis.client().exists(keys.session('hachi')), 0, 'no session was created');
  const ok = await post(mine.cookie, { ...creds, _csrf: mine.csrf }, { origin: `https://127.0.0.1:${stack.gateway.port}` });
  t.equal(ok.status, 303, 'same-origin with the right token works');

  // Logged in: the password form's token is bound to the session; a token of another session fails.
  const cookieA = mergeCookies(mine.cookie, ok.headers['set-cookie']);
  const formA = await formOf(stack, 'demo', '/auth/password', cookieA);
  t.equal(formA.res.status, 200);
  const cross = await stack.request('demo', '/auth/password', {
    method: 'POST',
    cookie: cookieA,
    body: new URLSearchParams({ _csrf: theirs.csrf, currentPassword: password, newPassword: 'Other#Pass1', confirmPassword: 'Other#Pass1' }).toString(),
  });
  t.equal(cross.status, 403);
  t.equal(cross.reason, 'csrf');
  t.equal(await stack.redis.client().hget(keys.user('hachi'), 'failures'), '0', 'the refused change did nothing');
});

t.test('limits before work: body size, content type, over-long password', async (t) => {
  const form = await formOf(stack, 'demo', '/auth/login');
  const big = await stack.request('demo', '/auth/login', {
    method: 'POST',
    cookie: form.cookie,
    body: new URLSearchParams({ _csrf: form.csrf, userId: 'x', password: 'y'.repeat(9000) }).toString(),
  });
  t.equal(big.status, 413);
  t.equal(big.page, 'system-error');
  const json = await stack.request('demo', '/auth/login', {
    method: 'POST',
    cookie: form.cookie,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _csrf: form.csrf, userId: 'x', password: 'y' }),
  });
  t.equal(json.status, 403, 'a non-form body carries no token');
  const password = await stack.createUser('kuro');
  const stats = stack.gateway.deps.login.opts.hasher.stats;
  const before = stats.verifications;
  const { res } = await postLogin('demo', 'kuro', `${password}${'x'.repeat(200)}`);
  t.equal(res.status, 401);
  t.equal(res.error, 'invalid-credentials');
  t.equal(stats.verifications, before, 'no argon2 for a password over 128 bytes');
});

t.test('no secret ever reaches the log', async (t) => {
  const text = stack.rawLogs();
  t.ok(text.length > 0, 'the gateway logged');
  t.notMatch(text, /Valid#Pass1|Wrong#Pass|Portal#2026ok/, 'no password');
  t.notMatch(text, /__Host-certgate-session=[A-Za-z0-9]/, 'no session cookie');
  t.notMatch(text, /\$argon2id\$/, 'no hash');
  t.notMatch(text, /v1\.\d+\.[A-Za-z0-9_-]{43}/, 'no assertion');
  const sessionIds = (await stack.gateway.deps.sessions.list()).map((s) => s.sid);
  for (const sid of sessionIds) t.notOk(text.includes(sid), 'no session id');
});
