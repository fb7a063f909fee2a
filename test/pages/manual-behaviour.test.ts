// Through a real gateway: what the manual review asked of the screens, seen over HTTP — expired
// certificates say so, dates name their zone, the language choice sticks, an administrator's action
// names itself, a password change while logged in keeps the session, and the certificate help is public.
import t from 'tap';
import { keys } from '../../src/store/keys.js';
import { cliFor } from '../helpers/cli.js';
import { text } from '../helpers/html.js';
import { formOf, mergeCookies, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
t.before(async () => {
  stack = await startStack();
});
t.teardown(() => stack?.close());

const setCookies = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

t.test('an expired certificate\'s page says it has expired (not "today", not 0 days left), with the zone', async (t) => {
  const res = await stack.request('expired', '/auth/cert');
  t.equal(res.page, 'cert-info');
  t.match(res.body, 'data-banner="expired"');
  t.match(res.body, 'data-days-left="expired"');
  const shown = text(res.body);
  t.match(shown, 'が過ぎています');
  t.notMatch(shown, '本日', 'never "until today"');
  t.notMatch(shown, '残り日数 0', 'never 0 days left');
  t.match(shown, '期限切れ');
  t.match(shown, /有効期限 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}\uff08日本時間\uff09/, 'dates in Japan time, saying so');
  const en = text((await stack.request('expired', '/auth/cert?lang=en')).body);
  t.match(en, /Your client certificate expired on \d{4}-\d{2}-\d{2} \d{2}:\d{2} JST\./);
  const login = await stack.request('expired', '/auth/login');
  t.equal(login.reason, 'cert-expired');
  t.match(text(login.body), /有効期限 \d{4}\/\d{2}\/\d{2}/, 'the refusal shows the expiry date');
  const future = await stack.request('not-yet-valid', '/auth/login');
  t.equal(future.reason, 'cert-not-yet-valid');
  t.match(text(future.body), /有効期間の開始 \d{4}\/\d{2}\/\d{2}/, 'the not-yet-valid refusal shows the start date');
});

t.test('CERTGATE_TIME_ZONE reaches the pages', async (t) => {
  const utc = await startStack({ env: { CERTGATE_TIME_ZONE: 'UTC' } });
  t.teardown(() => utc.close());
  const shown = text((await utc.request('demo', '/auth/cert?lang=en')).body);
  t.match(shown, /Valid until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
});

t.test('the language choice sticks (cookie); Accept-Language and ?lang= still work', async (t) => {
  const first = await stack.request('demo', '/auth/login?lang=en');
  t.match(first.body, '<html lang="en"');
  const cookie = setCookies(first.headers['set-cookie']).find((c) => c.startsWith('certgate-lang='));
  t.match(cookie, /^certgate-lang=en; Path=\/; Max-Age=\d+; Secure; SameSite=Lax$/);
  const jar = mergeCookies(undefined, first.headers['set-cookie']);
  t.match((await stack.request('demo', '/auth/login', { cookie: jar })).body, '<html lang="en"', 'no ?lang=, still English');
  t.match((await stack.request('demo', '/auth/login', { cookie: jar, headers: { 'accept-language': 'ja' } })).body, '<html lang="en"', 'the choice beats the browser default');
  t.match((await stack.request('demo', '/auth/login', { headers: { 'accept-language': 'en-US,en;q=0.9' } })).body, '<html lang="en"', 'Accept-Language without a choice');
  const back = await stack.request('demo', '/auth/login?lang=ja', { cookie: jar });
  t.match(back.body, '<html lang="ja"');
  t.ok(setCookies(back.headers['set-cookie']).some((c) => c.startsWith('certgate-lang=ja;')), 'switching back is remembered too');
  t.notOk(setCookies((await stack.request('demo', '/auth/login', { cookie: jar })).headers['set-cookie']).some((c) => c.startsWith('certgate-lang=')), 'nothing to set when nothing changed');
  // The choice travels through the login: the portal behind the gateway receives the cookie.
  const password = await stack.createUser('lang-user');
  const form = await formOf(stack, 'demo', '/auth/login', jar);
  const login = await stack.request('demo', '/auth/login', {
    method: 'POST',
    cookie: form.cookie,
    body: new URLSearchParams({ _csrf: form.csrf, userId: 'lang-user', password }).toString(),
  });
  t.equal(login.status, 303);
  await stack.request('demo', '/registration', { cookie: mergeCookies(form.cookie, login.headers['set-cookie']) });
  const seen = stack.upstream.received.at(-1);
  t.match(seen?.headers.cookie, 'certgate-lang=en', 'the portal sees the language choice');
});

async function loggedIn(userId: string): Promise<{ cookie: string; password: string }> {
  const password = await stack.createUser(userId);
  return { cookie: await stack.login('demo', userId, password), password };
}

t.test('an administrator\'s user lock / reset-password / session kill: the ended-session screen names it', async (t) => {
  const cli = cliFor({ REDIS_URL: stack.redis.url, CERTGATE_CLIENT_CA: stack.pki.file('ca.crt') });
  for (const [command, reason, words] of [
    ['lock', 'account-locked', '管理者がアカウントをロックしたため'],
    ['reset-password', 'password-reset', '管理者がパスワードを再発行したため'],
  ] as const) {
    const userId = `admin-${command}`;
    const { cookie } = await loggedIn(userId);
    t.equal((await stack.request('demo', '/', { cookie })).status, 200, 'logged in');
    t.equal((await cli('user', command, userId)).code, 0);
    const res = await stack.request('demo', '/', { cookie });
    t.equal(res.status, 401);
    t.equal(res.page, 'session-timeout', `${command}: the ended-session screen, not a bare login page`);
    t.equal(res.reason, reason);
    t.match(text(res.body), words);
    const again = await stack.request('demo', '/registration', { cookie });
    t.equal(again.reason, reason, 'a second request (say, a stray background one) still names the reason, not a bare login page');
    t.equal(await stack.redis.client().exists(keys.session(userId)), 0, 'the session is gone');
  }
  const { cookie, password } = await loggedIn('admin-kill');
  t.equal((await cli('session', 'kill', 'admin-kill')).code, 0);
  t.equal((await stack.request('demo', '/', { cookie })).reason, 'ended-by-admin');
  // A later login is not told about the old kill.
  const again = await stack.login('demo', 'admin-kill', password);
  t.equal((await stack.request('demo', '/', { cookie: again })).status, 200);
});

t.test('a password change while logged in keeps the user logged in (new session id); the forced one does not', async (t) => {
  const { cookie, password } = await loggedIn('keeper');
  const form = await formOf(stack, 'demo', '/auth/password', cookie);
  t.equal(form.res.page, 'password-change');
  const next = 'Another#2026k';
  const res = await stack.request('demo', '/auth/password', {
    method: 'POST',
    cookie: form.cookie,
    body: new URLSearchParams({ _csrf: form.csrf, currentPassword: password, newPassword: next, confirmPassword: next }).toString(),
  });
  t.equal(res.status, 200);
  t.equal(res.page, 'password-changed');
  t.match(res.body, 'data-session="kept"');
  t.match(res.body, /<a [^>]*href="\/"[^>]*data-action="home"/, 'the way back is the portal top');
  const renewed = mergeCookies(form.cookie, res.headers['set-cookie']);
  t.not(renewed, form.cookie, 'a new session cookie');
  const portal = await stack.request('demo', '/', { cookie: renewed });
  t.equal(portal.status, 200, 'still logged in');
  t.equal((await stack.request('demo', '/', { cookie })).status, 401, 'the old session id is worthless');
  // The forced change after a temporary password ends the session: the user logs in again (3章(1)).
  const created = await stack.gateway.deps.users.create({ userId: 'forced', operatorId: 'DEMO', name: 'F' });
  const first = await formOf(stack, 'demo', '/auth/login');
  const login = await stack.request('demo', '/auth/login', {
    method: 'POST',
    cookie: first.cookie,
    body: new URLSearchParams({ _csrf: first.csrf, userId: 'forced', password: created.temporaryPassword }).toString(),
  });
  const pw = await formOf(stack, 'demo', '/auth/password', mergeCookies(first.cookie, login.headers['set-cookie']));
  const done = await stack.request('demo', '/auth/password', {
    method: 'POST',
    cookie: pw.cookie,
    body: new URLSearchParams({ _csrf: pw.csrf, currentPassword: created.temporaryPassword, newPassword: next, confirmPassword: next }).toString(),
  });
  t.equal(done.page, 'password-changed');
  t.match(done.body, 'data-session="ended"');
  t.match(done.body, /<a [^>]*href="\/auth\/login"/);
  t.equal(await stack.redis.client().exists(keys.session('forced')), 0);
});

t.test('the certificate help page is public, in both languages, and linked from the refusal and /auth/cert', async (t) => {
  for (const client of [undefined, 'unregistered', 'demo'] as const) {
    const ja = await stack.request(client, '/auth/help/certificates');
    t.equal(ja.status, 200, `${client ?? 'no certificate'}: readable`);
    t.equal(ja.page, 'help-certificates');
    t.match(text(ja.body), 'AutoSelectCertificateForUrls');
    t.match(ja.body, new RegExp(`\\{&quot;pattern&quot;:&quot;https://(localhost|127\\.0\\.0\\.1):${stack.gateway.port}&quot;`), 'the policy example names this address');
    for (const words of ['証明書のインポート', 'シリアル番号と有効期限の確認', '証明書の自動選択', '証明書の削除', 'キーチェーンアクセス', 'Firefox']) t.match(text(ja.body), words);
  }
  const en = text((await stack.request(undefined, '/auth/help/certificates?lang=en')).body);
  for (const words of ['Import the certificate', 'Check the serial number and expiry', 'Select the certificate automatically', 'Remove the certificate', 'Keychain Access']) t.match(en, words);
  t.match((await stack.request('unregistered', '/')).body, 'href="/auth/help/certificates"');
  t.match((await stack.request('demo', '/auth/cert')).body, 'href="/auth/help/certificates"');
});
