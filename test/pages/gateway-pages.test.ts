// Gateway pages: markers, languages, escaping, accessibility ties, and the close/logout rules.
import t from 'tap';
import { gatewayPages, type PageFrame } from '../../src/pages/gateway-pages.js';
import { CERT_REASONS, PASSWORD_ERRORS } from '../../src/pages/types.js';
import { SYMBOLS } from '../../src/users/password-policy.js';
import { accessibilityProblems, decode, bodyAttrs, htmlLang, inlineCode, tags, text, textOfId } from '../helpers/html.js';

const ja: PageFrame = { lang: 'ja' };
const en: PageFrame = { lang: 'en' };
const withSession: PageFrame = { lang: 'ja', csrfToken: 'tok-123', user: { id: 'user01', name: '事業者 太郎' } };
const textOfSymbols = (html: string): string => decode(/<code[^>]*data-symbols[^>]*>([^<]*)<\/code>/.exec(html)?.[1] ?? '');
const HOSTILE = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;

const allPages = (f: PageFrame): Array<[string, string]> => [
  ...CERT_REASONS.map((reason): [string, string] => [`login-error/${reason}`, gatewayPages.loginError(f, { reason, serial: '0a 1b 2c', notAfter: new Date() })]),
  ...(['idle', 'expired', 'ended', 'cert-changed'] as const).map((reason): [string, string] => [`session-timeout/${reason}`, gatewayPages.sessionTimeout(f, { reason })]),
  ...(['replaced', 'rejected'] as const).map((reason): [string, string] => [`multiple-login/${reason}`, gatewayPages.multipleLogin(f, { reason })]),
  ['maintenance', gatewayPages.maintenance(f, { message: 'until 18:00', since: new Date() })],
  ...(['store-unavailable', 'upstream-refused', 'upstream-timeout', 'overloaded', 'internal', 'csrf'] as const).map(
    (reason): [string, string] => [`system-error/${reason}`, gatewayPages.systemError(f, { reason, requestId: 'req-1' })],
  ),
  ['not-found', gatewayPages.notFound(f)],
  ['login', gatewayPages.login(f, {})],
  ['login/error', gatewayPages.login(f, { error: 'invalid-credentials', userId: 'user01', next: '/auction' })],
  ...PASSWORD_ERRORS.map((error): [string, string] => [`password-change/${error}`, gatewayPages.passwordChange(f, { userId: 'user01', forced: true, error })]),
  ['password-changed', gatewayPages.passwordChanged(f)],
  ['cert-info', gatewayPages.certInfo(f, { serial: '0A 1B', issuer: 'CN=CA', subject: 'CN=u', notBefore: new Date(), notAfter: new Date(), daysLeft: 3, state: 'registered', operatorId: 'OP1' })],
  ['logout-confirm', gatewayPages.logoutConfirm(f)],
];

t.test('every page carries its markers, a lang attribute, and nothing the CSP would block', async (t) => {
  for (const frame of [ja, en, withSession]) {
    for (const [name, html] of allPages(frame)) {
      t.ok(html.startsWith('<!DOCTYPE html>'), `${name}: complete document`);
      t.equal(htmlLang(html), frame.lang, `${name}: <html lang>`);
      t.equal(bodyAttrs(html)['data-page'], name.split('/')[0], `${name}: data-page`);
      t.same(inlineCode(html), [], `${name}: no inline code`);
      t.same(accessibilityProblems(html), [], `${name}: labels and aria references resolve`);
      t.equal(tags(html, 'h1').length, 1, `${name}: one h1`);
      t.ok(tags(html, 'link').some((l) => l.rel === 'stylesheet' && l.href?.startsWith('/auth/assets/app.css')), `${name}: stylesheet`);
    }
  }
});

t.test('error pages carry data-reason; form pages carry data-error only with an error', async (t) => {
  for (const reason of CERT_REASONS) t.equal(bodyAttrs(gatewayPages.loginError(ja, { reason }))['data-reason'], reason);
  t.equal(bodyAttrs(gatewayPages.sessionTimeout(ja, { reason: 'idle' }))['data-reason'], 'idle');
  t.equal(bodyAttrs(gatewayPages.multipleLogin(ja, { reason: 'replaced' }))['data-reason'], 'replaced');
  t.equal(bodyAttrs(gatewayPages.maintenance(ja, {}))['data-reason'], 'maintenance');
  t.equal(bodyAttrs(gatewayPages.systemError(ja, { reason: 'upstream-timeout' }))['data-reason'], 'upstream-timeout');
  t.equal(bodyAttrs(gatewayPages.notFound(ja))['data-reason'], 'not-found');
  t.equal(bodyAttrs(gatewayPages.login(ja, {}))['data-error'], undefined);
  t.equal(bodyAttrs(gatewayPages.login(ja, { error: 'account-locked' }))['data-error'], 'account-locked');
  for (const error of PASSWORD_ERRORS) {
    t.equal(bodyAttrs(gatewayPages.passwordChange(ja, { userId: 'u', forced: false, error }))['data-error'], error);
  }
  t.equal(bodyAttrs(gatewayPages.passwordChange(ja, { userId: 'u', forced: false }))['data-error'], undefined);
});

t.test('Japanese by default, English with lang=en', async (t) => {
  const jaHtml = gatewayPages.loginError(ja, { reason: 'cert-unregistered', serial: '0a 1b 2c' });
  const enHtml = gatewayPages.loginError(en, { reason: 'cert-unregistered', serial: '0a 1b 2c' });
  t.match(text(jaHtml), 'クライアント証明書が登録されていません');
  t.match(text(jaHtml), 'シリアル番号');
  t.match(text(enHtml), 'Your client certificate is not registered');
  t.notMatch(text(enHtml), /登録されていません/);
  t.match(text(gatewayPages.login(ja, {})), 'ユーザID');
  t.match(text(gatewayPages.login(en, {})), 'User ID');
  // The language switch offers the other language.
  t.ok(tags(jaHtml, 'a').some((a) => a.hreflang === 'en' && a.href?.includes('lang=en')));
  t.ok(tags(enHtml, 'a').some((a) => a.hreflang === 'ja' && a.href?.includes('lang=ja')));
});

t.test('login error shows the serial and tells the user to ask the administrator', async (t) => {
  const html = gatewayPages.loginError(ja, { reason: 'cert-unregistered', serial: '0a 1b 2c', notAfter: new Date('2026-03-31T15:00:00Z') });
  t.match(text(html), '0a 1b 2c');
  t.match(text(html), '管理者');
  t.match(text(html), '2026/04/01', 'dates are Japan time, YYYY/MM/DD');
  t.match(text(gatewayPages.loginError(en, { reason: 'cert-expired', notAfter: new Date('2026-03-31T15:00:00Z') })), '2026-04-01');
  t.notMatch(text(gatewayPages.loginError(ja, { reason: 'cert-missing' })), 'シリアル番号:', 'no serial row without a serial');
});

t.test('hostile strings are escaped everywhere they appear', async (t) => {
  const pages = [
    gatewayPages.loginError(ja, { reason: 'cert-unregistered', serial: HOSTILE }),
    gatewayPages.login(ja, { error: 'invalid-credentials', userId: HOSTILE }),
    gatewayPages.passwordChange({ ...withSession, user: { id: HOSTILE, name: HOSTILE } }, { userId: HOSTILE, forced: false }),
    gatewayPages.maintenance(ja, { message: HOSTILE }),
    gatewayPages.systemError(ja, { reason: 'internal', requestId: HOSTILE }),
    gatewayPages.certInfo(ja, { serial: HOSTILE, issuer: HOSTILE, subject: HOSTILE, notBefore: new Date(), notAfter: new Date(), daysLeft: 1, state: 'unregistered', operatorId: HOSTILE }),
  ];
  for (const html of pages) {
    t.notMatch(html, '<script>alert', 'no injected script element');
    t.notMatch(html, '<img', 'no injected img element');
    t.same(inlineCode(html), []);
    t.same(accessibilityProblems(html), []);
    t.ok(text(html).includes(HOSTILE) || tags(html, 'input').some((i) => i.value === HOSTILE), 'shown as text or as a field value');
  }
  const login = gatewayPages.login(ja, { userId: HOSTILE });
  t.equal(tags(login, 'input').find((i) => i.name === 'userId')?.value, HOSTILE, 'attribute value round-trips exactly');
});

t.test('login form: fields, hidden _csrf and next, error tied to the field', async (t) => {
  const html = gatewayPages.login({ lang: 'ja', csrfToken: 'tok' }, { error: 'invalid-credentials', userId: 'user01', next: '/auction?x=1' });
  const form = tags(html, 'form').find((f) => f.action?.startsWith('/auth/login'));
  t.equal(form?.method, 'post');
  const inputs = tags(html, 'input');
  t.equal(inputs.find((i) => i.name === '_csrf')?.value, 'tok');
  t.equal(inputs.find((i) => i.name === '_csrf')?.type, 'hidden');
  t.equal(inputs.find((i) => i.name === 'next')?.value, '/auction?x=1');
  t.equal(inputs.find((i) => i.name === 'userId')?.value, 'user01');
  t.equal(inputs.find((i) => i.name === 'password')?.type, 'password');
  t.equal(inputs.find((i) => i.name === 'password')?.value, undefined, 'a password is never echoed');
  const user = inputs.find((i) => i.name === 'userId')!;
  t.match(user['aria-describedby'], 'error-summary-title');
  t.match(tags(html, 'div').find((d) => d.role === 'alert')?.class, 'error-summary');
  // One message for every failure that names all three things the user can check (manual 6章(3)).
  t.match(text(html), 'ユーザID、パスワード、ブラウザで選択したクライアント証明書');
  t.notMatch(text(html), 'ユーザIDまたはパスワードが正しくありません', 'no message that blames only the user ID or password');
  // Language switch keeps `next`.
  const sw = tags(html, 'a').find((a) => a.hreflang === 'en');
  t.equal(sw?.href, '/auth/login?next=%2Fauction%3Fx%3D1&lang=en');
  // An off-site next is dropped rather than rendered.
  const evil = gatewayPages.login(ja, { next: '//evil.example/' });
  t.equal(tags(evil, 'input').find((i) => i.name === 'next'), undefined);
  t.match(text(gatewayPages.login(ja, { error: 'account-locked' })), 'ロック');
});

t.test('password change: policy, confirmation, error tied to the right field', async (t) => {
  const html = gatewayPages.passwordChange(withSession, { userId: 'user01', forced: true, error: 'classes' });
  const form = tags(html, 'form').find((f) => f.action === '/auth/password')!;
  t.equal(form.method, 'post');
  t.ok(form['data-confirm'], 'a confirmation dialog before changing');
  for (const name of ['currentPassword', 'newPassword', 'confirmPassword']) {
    t.equal(tags(html, 'input').find((i) => i.name === name)?.type, 'password', name);
  }
  t.equal(tags(html, 'input').filter((i) => i.name === '_csrf').length, 1, 'the form carries the token');
  t.ok(tags(html, 'a').some((a) => a.href === '/auth/logout' && a['data-logout'] === 'ログアウトしますか？'), 'logout: the same dialog-confirmed link as on every page');
  t.equal(tags(html, 'code').find((c) => 'data-symbols' in c) !== undefined, true, 'the allowed symbols are listed (3章(3))');
  t.match(text(html), '使える記号（半角）：');
  t.equal(tags(html, 'code').find((c) => 'data-symbols' in c) && textOfSymbols(html), SYMBOLS, 'every allowed symbol, exactly');
  const newPw = tags(html, 'input').find((i) => i.name === 'newPassword')!;
  t.equal(newPw['aria-invalid'], 'true');
  t.match(newPw['aria-describedby'], 'newPassword-error');
  t.match(newPw['aria-describedby'], 'password-policy');
  t.match(textOfId(html, 'newPassword-error'), '3 種類以上');
  t.match(text(html), '8 文字以上 20 文字以下');
  t.match(text(html), '過去 4 回分');
  t.match(text(html), 'ユーザIDと同じ');
  t.match(text(html), '仮パスワード', 'forced change explains the temporary password');
  t.equal(bodyAttrs(html)['data-error'], 'classes');

  const mismatch = gatewayPages.passwordChange(withSession, { userId: 'u', forced: false, error: 'mismatch' });
  t.equal(tags(mismatch, 'input').find((i) => i.name === 'confirmPassword')?.['aria-invalid'], 'true');
  const wrong = gatewayPages.passwordChange(withSession, { userId: 'u', forced: false, error: 'wrong-current' });
  t.equal(tags(wrong, 'input').find((i) => i.name === 'currentPassword')?.['aria-invalid'], 'true');
  t.equal(tags(wrong, 'input').find((i) => i.name === 'newPassword')?.['aria-invalid'], undefined);
  t.match(text(gatewayPages.passwordChange({ ...withSession, lang: 'en' }, { userId: 'u', forced: false, error: 'reused' })), 'last 4 passwords');
});

t.test('password changed: after the forced change back to login, after a change while logged in back to the portal', async (t) => {
  const html = gatewayPages.passwordChanged(ja);
  t.ok(tags(html, 'a').some((a) => a.href === '/auth/login'));
  t.match(text(html), '再度ログインしてください');
  const kept = gatewayPages.passwordChanged(withSession, { stillLoggedIn: true });
  t.ok(tags(kept, 'a').some((a) => a.href === '/' && a['data-action'] === 'home'), 'the way back to the portal top');
  t.notOk(tags(kept, 'a').some((a) => a.href === '/auth/login'), 'no detour through the login page');
  t.match(text(kept), 'ログインしたまま');
});

t.test('error screens: [閉じる] on every one, never a button back to the same refusal', async (t) => {
  for (const frame of [ja, withSession]) {
    for (const [name, html] of allPages(frame).filter(([n]) => /^(login-error|session-timeout|multiple-login|maintenance|system-error|not-found)/.test(n))) {
      const close = tags(html, 'a').filter((a) => a['data-action'] === 'close');
      t.equal(close.length, 1, `${name}: one [閉じる]`);
      t.equal(close[0]?.href, '/auth/closed', `${name}: it leads to the closed screen`);
      t.match(text(html), '閉じる');
      t.notMatch(text(html), '事業者 太郎', `${name}: error screens have no user bar`);
      if (name.startsWith('login-error')) {
        t.notOk(tags(html, 'a').some((a) => a.href === '/auth/login'), `${name}: no button that returns the same 403`);
        t.ok(tags(html, 'a').some((a) => a.href === '/auth/help/certificates'), `${name}: help for the certificate`);
      }
      // A page that already says "logged out" must not also promise that closing logs out.
      if (text(html).includes('ログアウトしました')) t.notMatch(text(html), '[閉じる]を押すとログアウトします', `${name}: one story`);
    }
  }
  const expired = gatewayPages.loginError(ja, { reason: 'cert-expired', serial: '0a', notBefore: new Date('2024-04-01T00:00:00Z'), notAfter: new Date('2026-03-31T14:59:59Z') });
  t.match(text(expired), '有効期限 2026/03/31 23:59（日本時間）', 'the expired page shows the expiry date');
  const future = gatewayPages.loginError(ja, { reason: 'cert-not-yet-valid', serial: '0a', notBefore: new Date('2027-03-31T15:00:00Z'), notAfter: new Date('2029-03-31T14:59:59Z') });
  t.match(text(future), '有効期間の開始 2027/04/01 00:00（日本時間）', 'the not-yet-valid page shows the start date');
  t.notMatch(text(future), '2029/03/31');
});

t.test('screen titles use the manual\'s names; one step is a sentence, not a numbered list', async (t) => {
  t.match(text(gatewayPages.multipleLogin(ja, { reason: 'replaced' })), '多重ログインエラー');
  t.match(text(gatewayPages.sessionTimeout(ja, { reason: 'idle' })), 'セッションタイムアウトエラー');
  t.match(text(gatewayPages.notFound(ja)), '404エラー');
  for (const html of [gatewayPages.sessionTimeout(ja, { reason: 'idle' }), gatewayPages.maintenance(ja, {})]) {
    t.notOk(tags(html, 'ol').length > 0 && /<ol[^>]*>\s*<li>[^<]*<\/li>\s*<\/ol>/.test(html), 'no one-item numbered list');
  }
  // Japanese prompts use full-width punctuation.
  t.match(gatewayPages.logoutConfirm(withSession), 'ログアウトしますか？');
  t.notMatch(gatewayPages.passwordChange(withSession, { userId: 'u', forced: false }), /よろしいですか\?/);
  t.match(gatewayPages.login(ja, {}), '（必須）');
});

t.test('an administrator ending the session: the screen names the reason', async (t) => {
  t.match(text(gatewayPages.sessionTimeout(ja, { reason: 'account-locked' })), '管理者がアカウントをロックしたため');
  t.match(text(gatewayPages.sessionTimeout(ja, { reason: 'password-reset' })), '管理者がパスワードを再発行したため');
  t.match(text(gatewayPages.sessionTimeout(en, { reason: 'ended-by-admin' })), 'An administrator ended your session');
});

t.test('system error shows the request id and no internals', async (t) => {
  const html = gatewayPages.systemError(ja, { reason: 'store-unavailable', requestId: 'req-42' });
  t.match(text(html), 'req-42');
  t.match(text(html), 'お問い合わせ番号');
  t.notMatch(html, /Redis|stack|Error:/);
});

t.test('maintenance shows the operator message and start time', async (t) => {
  const html = gatewayPages.maintenance(en, { message: 'Back at 18:00', since: new Date('2026-12-12T23:00:00Z') });
  t.match(text(html), 'Back at 18:00');
  t.match(text(html), '2026-12-13 08:00 JST');
});

t.test('logged-in pages: user bar with a confirmed logout form, menu, renewal banner', async (t) => {
  const frame: PageFrame = { ...withSession, banner: { notAfter: new Date('2026-12-31T15:00:00Z'), daysLeft: 12 } };
  const html = gatewayPages.certInfo(frame, { serial: '0A', issuer: 'CN=CA', subject: 'CN=u', notBefore: new Date(), notAfter: new Date(), daysLeft: 12, state: 'registered' });
  t.match(text(html), '事業者 太郎');
  const logout = tags(html, 'a').find((a) => a.href === '/auth/logout');
  t.equal(logout?.['data-logout'], 'ログアウトしますか？', 'logout asks for confirmation (a dialog; the page without JavaScript)');
  t.ok(tags(html, 'nav').some((n) => n['aria-label'] === 'メインメニュー'));
  for (const label of ['ホーム', '参加登録', '審査', '容量オークション', '容量確保契約']) t.match(text(html), label);
  t.match(text(html), '2027/01/01 00:00（日本時間）');
  t.match(text(html), '残り 12 日');
  t.ok(tags(html, 'a').some((a) => a.href === '/auth/cert'));
  // A forced password change has no menu leading away from it.
  const forced = gatewayPages.passwordChange(withSession, { userId: 'u', forced: true });
  t.notOk(tags(forced, 'nav').some((n) => n['aria-label'] === 'メインメニュー'));
});

t.test('cert info: every field and the state', async (t) => {
  const html = gatewayPages.certInfo(en, {
    serial: '0A 1B 2C', issuer: 'CN=certgate dev CA', subject: 'CN=user01', notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'), daysLeft: 40, state: 'unregistered',
  });
  for (const s of ['0a 1b 2c', 'CN=certgate dev CA', 'CN=user01', '2025-01-01', '2027-01-01', '40 days', 'Not registered', 'register this serial']) {
    t.match(text(html), s);
  }
});

t.test('logout confirmation is a POST form with the token', async (t) => {
  const html = gatewayPages.logoutConfirm(withSession);
  t.equal(bodyAttrs(html)['data-page'], 'logout-confirm');
  const forms = tags(html, 'form').filter((f) => f.action === '/auth/logout' && f.method === 'post');
  t.ok(forms.length >= 1);
  t.ok(tags(html, 'a').some((a) => a.href === '/'), 'cancel goes back');
});

t.test('English pages keep English in links', async (t) => {
  const html = gatewayPages.sessionTimeout({ lang: 'en' }, { reason: 'expired' });
  t.ok(tags(html, 'a').some((a) => a.href === '/auth/login?lang=en'));
});
