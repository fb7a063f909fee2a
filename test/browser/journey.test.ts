// In Chromium, through the gateway to the real portal: certificate refusals, first login with the forced
// password change, notices and a Japanese-named download, logout, lockout, English and role-based menus.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Browser } from 'playwright-core';
import { displaySerial } from '../../src/tls/serial.js';
import { OPERATOR } from '../helpers/stack.js';
import {
  CONTENT_DIR,
  acceptDialogs,
  clientContext,
  japaneseFontNote,
  launchBrowser,
  markers,
  pathOf,
  screenshot,
  skipBrowser,
  startPortalStack,
  submitLogin,
  type PortalStack,
} from '../helpers/browser.js';

const LOCKOUT_THRESHOLD = 3;

if (skipBrowser) {
  t.plan(0, skipBrowser);
} else {
  let browser: Browser;
  let ps: PortalStack;
  t.before(async () => {
    const note = japaneseFontNote();
    if (note) t.comment(note);
    // Both start at once; if one fails, the other is still closed by the teardown.
    const [b, s] = await Promise.allSettled([launchBrowser(), startPortalStack({ env: { CERTGATE_LOCKOUT_THRESHOLD: String(LOCKOUT_THRESHOLD) } })]);
    if (b.status === 'fulfilled') browser = b.value;
    if (s.status === 'fulfilled') ps = s.value;
    if (b.status === 'rejected') throw b.reason;
    if (s.status === 'rejected') throw s.reason;
  });
  t.teardown(async () => {
    await browser?.close();
    await ps?.close();
  });

  t.test('an unregistered certificate is refused with its serial; no certificate at all is cert-missing', async (t) => {
    const ctx = await clientContext(browser, ps, 'unregistered');
    const page = await ctx.newPage();
    const res = await page.goto(`${ps.origin}/`);
    t.equal(res?.status(), 403);
    t.same(await markers(page), { page: 'login-error', reason: 'cert-unregistered', error: null, section: null });
    t.equal(await page.locator('h1').innerText(), 'クライアント証明書が登録されていません');
    t.equal(await page.locator('code.serial').innerText(), displaySerial(ps.stack.pki.clients.unregistered.serial), 'the presented serial, as browsers print it');
    // The way out is [閉じる] (and help), never a link back to the login page that answers the same 403.
    t.equal(await page.getByRole('link', { name: 'ログイン画面へ' }).count(), 0, 'no button that returns the same 403');
    await t.resolves(page.getByRole('link', { name: '閉じる' }).waitFor(), 'offers [閉じる]');
    await t.resolves(page.getByRole('link', { name: 'クライアント証明書の設定・確認方法' }).waitFor(), 'and the certificate help');
    await screenshot(page, '01-cert-unregistered');
    await ctx.close();

    const bare = await clientContext(browser, ps, undefined);
    const page2 = await bare.newPage();
    const res2 = await page2.goto(`${ps.origin}/auth/login`);
    t.equal(res2?.status(), 403);
    t.same(await markers(page2), { page: 'login-error', reason: 'cert-missing', error: null, section: null });
    t.equal(await page2.locator('h1').innerText(), 'クライアント証明書を確認できませんでした');
    t.equal(await page2.locator('code.serial').count(), 0, 'no serial without a certificate');
    await screenshot(page2, '02-cert-missing');
    await bare.close();
  });

  t.test('first login: forced password change, new login, notice, Japanese download, logout', async (t) => {
    const userId = 'browser-first';
    const { temporaryPassword } = await ps.stack.gateway.deps.users.create({ userId, operatorId: OPERATOR, name: '山田 太郎', roles: ['operator-staff'] });
    const newPassword = 'Kakunin#2026x';
    const ctx = await clientContext(browser, ps, 'demo');
    const page = await ctx.newPage();
    const dialogs = acceptDialogs(page);

    // Asking for the portal without a session lands on the login page.
    await page.goto(`${ps.origin}/`);
    t.equal(pathOf(page), '/auth/login');
    t.equal((await markers(page)).page, 'login');
    t.equal(await page.locator('h1').innerText(), 'ログイン');
    await screenshot(page, '03-login');

    await submitLogin(page, userId, temporaryPassword);
    t.equal(pathOf(page), '/auth/password', 'a temporary password leads to the change form first');
    t.equal((await markers(page)).page, 'password-change');
    t.match(await page.locator('main').innerText(), '初回ログイン、またはパスワード再発行後のログインのため、パスワードの変更が必要です。');
    t.equal(await page.locator('nav.main-menu').count(), 0, 'no menu leads away from a forced change');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '山田 太郎' }).click()]);
    t.equal(pathOf(page), '/auth/password', 'nor does the user-name link: the portal sends the user back to the change');
    await page.locator('#currentPassword').fill(temporaryPassword);
    await page.locator('#newPassword').fill(newPassword);
    await page.locator('#confirmPassword').fill(newPassword);
    await screenshot(page, '04-password-change');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '変更' }).click()]);
    t.same(dialogs, ['パスワードを変更します。よろしいですか？'], 'the form asked for confirmation');
    t.equal((await markers(page)).page, 'password-changed');
    t.equal(await page.locator('h1').innerText(), 'パスワードの変更が完了しました');
    await screenshot(page, '05-password-changed');

    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'ログイン' }).click()]);
    t.equal(pathOf(page), '/auth/login');
    await submitLogin(page, userId, temporaryPassword);
    t.equal((await markers(page)).error, 'invalid-credentials', 'the temporary password no longer works');
    await submitLogin(page, userId, newPassword);
    t.equal(pathOf(page), '/');
    t.equal((await markers(page)).page, 'portal-home');
    t.match(await page.locator('main').innerText(), '山田 太郎 さん、ようこそ。');
    const rows = page.locator('tr[data-notice-id]');
    t.equal(await rows.first().getAttribute('data-notice-id'), '2026-11-20-main-auction-guidelines', 'newest notice first');
    await screenshot(page, '06-portal-home');

    const noticeId = '2026-10-15-registration-open';
    await Promise.all([page.waitForEvent('load'), page.locator(`tr[data-notice-id="${noticeId}"] a`).click()]);
    t.equal(pathOf(page), `/notices/${noticeId}`);
    t.equal((await markers(page)).page, 'notice');
    t.equal(await page.locator('h1').innerText(), '参加登録(事業者情報・電源等情報)の受付開始について');
    await screenshot(page, '07-notice');

    const name = '参加登録様式.csv';
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
    t.equal(download.suggestedFilename(), name, 'saved under its Japanese name');
    t.equal(new URL(download.url()).pathname, `/notices/${noticeId}/attachments/${encodeURIComponent(name)}`);
    const saved = readFileSync(await download.path());
    t.same(saved, readFileSync(join(CONTENT_DIR, 'notices', noticeId, 'attachments', name)), 'the file arrives byte for byte');
    t.match(saved.toString('utf8'), '事業者ID,事業者名');
    // The link's download attribute names the file in this browser; the header names it for any other client.
    const direct = await page.request.get(download.url());
    t.equal(direct.headers()['content-disposition'], `attachment; filename="attachment.csv"; filename*=UTF-8''${encodeURIComponent(name)}`);

    // Without JavaScript the header's logout link opens the confirmation page (same question, no second dialog).
    await page.goto(`${ps.origin}/auth/logout`);
    t.equal((await markers(page)).page, 'logout-confirm');
    t.equal(await page.locator('main h1').innerText(), 'ログアウト');
    await screenshot(page, '08-logout-confirm');
    await page.goBack();
    // With it, every page (portal pages too) asks with the dialog and logs out at once.
    await Promise.all([page.waitForURL(/\/auth\/login/), page.getByRole('link', { name: 'ログアウト' }).click()]);
    t.same(dialogs.slice(1), ['ログアウトしますか？'], 'the portal page asked with the dialog');
    t.equal(pathOf(page), '/auth/login');
    t.equal((await markers(page)).page, 'login');
    t.match(await page.locator('[data-notice="logged-out"]').innerText(), 'ログアウトしました');
    await screenshot(page, '09-logged-out');
    await page.goto(`${ps.origin}/notices/${noticeId}`);
    t.equal((await markers(page)).page, 'login', 'the session is really gone');
    await ctx.close();
  });

  t.test(`${LOCKOUT_THRESHOLD} wrong passwords lock the account, and the login page says so`, async (t) => {
    const userId = 'browser-locked';
    const password = await ps.stack.createUser(userId);
    const ctx = await clientContext(browser, ps, 'demo');
    const page = await ctx.newPage();
    await page.goto(`${ps.origin}/auth/login`);
    for (let i = 1; i < LOCKOUT_THRESHOLD; i++) {
      await submitLogin(page, userId, `Wrong#pass${i}`);
      t.equal((await markers(page)).error, 'invalid-credentials', `wrong password ${i}`);
    }
    t.match(await page.getByRole('alert').innerText(), 'ユーザID、パスワード、ブラウザで選択したクライアント証明書');
    await screenshot(page, '10-invalid-credentials');
    await submitLogin(page, userId, 'Wrong#passN');
    const m = await markers(page);
    t.equal(m.page, 'login');
    t.equal(m.error, 'account-locked', `wrong password ${LOCKOUT_THRESHOLD} locks`);
    t.match(await page.getByRole('alert').innerText(), 'パスワードを続けて誤ったため、このアカウントはロックされています。');
    await screenshot(page, '11-account-locked');
    await submitLogin(page, userId, password);
    t.equal((await markers(page)).error, 'account-locked', 'even the right password is refused now');
    t.equal(pathOf(page), '/auth/login');
    await ctx.close();
  });

  t.test('?lang=en shows the login page in English; menus follow the role', async (t) => {
    const ctx = await clientContext(browser, ps, 'demo');
    const page = await ctx.newPage();
    await page.goto(`${ps.origin}/auth/login?lang=en`);
    t.equal(await page.locator('html').getAttribute('lang'), 'en');
    t.equal(await page.locator('h1').innerText(), 'Log in');
    t.match(await page.locator('main').innerText(), 'Enter your user ID and password.');
    t.equal(await page.getByRole('button', { name: 'Log in' }).count(), 1);
    await screenshot(page, '12-login-en');
    await Promise.all([page.waitForEvent('load'), page.locator('a.lang-switch').click()]);
    t.equal(await page.locator('h1').innerText(), 'ログイン', 'the switch leads back to Japanese');
    await ctx.close();

    const admin = await ps.stack.createUser('browser-admin', { roles: ['operator-admin'], name: '管理 花子' });
    const reviewer = await ps.stack.createUser('browser-reviewer', { roles: ['reviewer'], name: '審査 次郎' });

    const adminCtx = await clientContext(browser, ps, 'demo');
    const a = await adminCtx.newPage();
    await a.goto(`${ps.origin}/auth/login?next=%2Fregistration`);
    await submitLogin(a, 'browser-admin', admin);
    t.equal(pathOf(a), '/registration', 'login returns to the page asked for');
    t.same(await markers(a), { page: 'section', reason: null, error: null, section: 'registration' });
    t.ok(await a.locator('[data-operation="user-management"]').isVisible(), 'operator-admin sees user management');
    t.match(await a.locator('[data-operation="user-management"]').innerText(), 'ユーザ情報管理');
    await screenshot(a, '13-registration-admin');
    await a.goto(`${ps.origin}/review`);
    t.equal(await a.locator('[data-operation="operator-review"]').count(), 0, 'operator-admin has no review work');

    // Gateway pages ask the same way as portal pages: one confirmation style everywhere.
    const dialogs = acceptDialogs(a);
    await a.goto(`${ps.origin}/auth/cert`);
    t.equal((await markers(a)).page, 'cert-info');
    await screenshot(a, '14-cert-info');
    await Promise.all([a.waitForURL(/\/auth\/login/), a.getByRole('link', { name: 'ログアウト' }).click()]);
    t.same(dialogs, ['ログアウトしますか？'], 'logout asked for confirmation');
    t.equal(pathOf(a), '/auth/login');
    t.equal((await markers(a)).page, 'login');
    await a.goto(`${ps.origin}/registration`);
    t.equal(pathOf(a), '/auth/login?next=%2Fregistration', 'logged out: the portal asks for a login again');
    await adminCtx.close();

    const reviewerCtx = await clientContext(browser, ps, 'demo-ec');
    const r = await reviewerCtx.newPage();
    await r.goto(`${ps.origin}/auth/login?next=%2Freview`);
    await submitLogin(r, 'browser-reviewer', reviewer);
    t.same(await markers(r), { page: 'section', reason: null, error: null, section: 'review' });
    t.equal(await r.locator('nav.main-menu [aria-current="page"]').innerText(), '審査');
    t.ok(await r.locator('[data-operation="operator-review"]').isVisible(), 'reviewer sees 事業者情報審査管理');
    t.match(await r.locator('[data-operation="operator-review"]').innerText(), '事業者情報審査管理');
    await screenshot(r, '15-review-reviewer');
    await r.goto(`${ps.origin}/registration`);
    t.equal(await r.locator('[data-operation="user-management"]').count(), 0, 'reviewer has no user management');
    t.ok(await r.locator('[data-operations="none"]').isVisible(), 'and is told there is nothing for them there');
    await reviewerCtx.close();
  });
}
