// Every screen as a person sees it, in Japanese and English: a full-page screenshot of each into
// test-results/screens/, and assertions on what the manual asks of it (markers, texts, buttons).
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { MaintenanceStore } from '../../src/maintenance/maintenance-store.js';
import { keys } from '../../src/store/keys.js';
import { testPki } from '../helpers/pki.js';
import { acceptDialogs, clientContext, launchBrowser, markers, pathOf, screenshot, skipBrowser, startPortalStack, submitLogin, type PortalStack } from '../helpers/browser.js';

const LANGS = ['ja', 'en'] as const;
type Lang = (typeof LANGS)[number];
const T = {
  close: { ja: '閉じる', en: 'Close' },
  loggedOut: { ja: 'ログアウトしました', en: 'You have logged out' },
  help: { ja: 'クライアント証明書の設定・確認方法', en: 'How to install and check your client certificate' },
  mismatch: { ja: 'ブラウザで選択したクライアント証明書', en: 'the client certificate you chose in the browser' },
  logoutDialog: { ja: 'ログアウトしますか\uff1f', en: 'Do you want to log out?' },
  attachment: { ja: '\uff08添付ファイル 1 件\uff09', en: '(1 attachment)' },
  kept: { ja: 'ログインしたまま', en: 'still logged in' },
  locked: { ja: '管理者がアカウントをロックしたため', en: 'an administrator locked your account' },
  expiredOn: { ja: '有効期限', en: 'Valid until' },
} as const;

if (skipBrowser) {
  t.plan(0, skipBrowser);
} else {
  let browser: Browser;
  let ps: PortalStack;
  t.before(async () => {
    // The CRL lets the revoked certificate show its own screen.
    [browser, ps] = await Promise.all([launchBrowser(), startPortalStack({ env: { CERTGATE_CRL: testPki().file('crl.pem') }, register: ['demo', 'demo-ec', 'revoked'] })]);
  });
  t.teardown(async () => {
    await browser?.close();
    await ps?.close();
  });
  const shot = (page: Page, lang: Lang, name: string) => screenshot(page, `screens-${lang}-${name}`);
  const click = (page: Page, selector: string) => Promise.all([page.waitForEvent('load'), page.locator(selector).first().click()]);

  for (const lang of LANGS) {
    const q = lang === 'en' ? '?lang=en' : '';
    const locale = lang === 'en' ? 'en-US' : 'ja-JP';

    t.test(`${lang}: certificate errors have [閉じる] and help, never a button back to the same 403`, async (t) => {
      for (const [client, reason] of [
        ['unregistered', 'cert-unregistered'],
        ['expired', 'cert-expired'],
        ['not-yet-valid', 'cert-not-yet-valid'],
        ['foreign', 'cert-untrusted'],
        ['revoked', 'cert-revoked'],
        [undefined, 'cert-missing'],
      ] as const) {
        const ctx = await clientContext(browser, ps, client, { locale });
        const page = await ctx.newPage();
        const res = await page.goto(`${ps.origin}/`);
        t.equal(res?.status(), 403);
        t.equal((await markers(page)).reason, reason);
        t.equal(await page.locator('a[href^="/auth/login"]').count(), 0, `${reason}: no link back to the refused login`);
        t.equal(await page.locator('[data-action="close"]').innerText(), T.close[lang]);
        if (reason === 'cert-expired') t.match(await page.locator('main').innerText(), T.expiredOn[lang], 'the expiry date is shown');
        await shot(page, lang, `login-error-${reason}`);
        if (reason === 'cert-unregistered') {
          await click(page, '[data-action="help"]');
          t.equal((await markers(page)).page, 'help-certificates');
          t.match(await page.locator('main').innerText(), 'AutoSelectCertificateForUrls');
          t.equal(await page.locator('[data-help-section]').count(), 4, 'import, check, auto-select, remove');
          await shot(page, lang, 'help-certificates');
          await page.goBack();
          await click(page, '[data-action="close"]');
          t.equal((await markers(page)).page, 'logged-out');
          t.match(await page.locator('h1').innerText(), T.loggedOut[lang]);
          await shot(page, lang, 'logged-out');
        }
        await ctx.close();
      }
    });

    t.test(`${lang}: login, failures, portal, password change, logout, maintenance, admin lock`, async (t) => {
      const userId = `screens-${lang}`;
      const password = await ps.stack.createUser(userId, { name: lang === 'ja' ? '画面 確認' : 'Screen Check' });
      const ctx = await clientContext(browser, ps, 'demo', { locale: 'ja-JP' });
      const page = await ctx.newPage();
      const dialogs = acceptDialogs(page);
      // The language chosen once sticks (cookie), even though the browser asks for Japanese.
      await page.goto(`${ps.origin}/auth/login${q}`);
      await page.goto(`${ps.origin}/auth/login`);
      t.equal(await page.locator('html').getAttribute('lang'), lang, 'the language choice sticks');
      const [inputBox, buttonBox] = [await page.locator('#userId').boundingBox(), await page.locator('form button[type=submit]').boundingBox()];
      t.equal(Math.round(inputBox!.width), Math.round(buttonBox!.width), 'login inputs as wide as the button');
      await shot(page, lang, 'login');

      // A correct password with another operator's certificate: the same generic message naming all three.
      await ps.stack.redis.client().hset(keys.operators, 'OTHER', JSON.stringify({ name: 'Other', createdAt: Date.now() }));
      const other = await ps.stack.gateway.deps.users.create({ userId: `other-${lang}`, operatorId: 'OTHER', name: 'Other' });
      await submitLogin(page, `other-${lang}`, other.temporaryPassword);
      t.equal((await markers(page)).error, 'invalid-credentials');
      t.match(await page.getByRole('alert').innerText(), T.mismatch[lang]);
      await shot(page, lang, 'login-invalid-credentials');

      await submitLogin(page, userId, password);
      t.equal(pathOf(page), '/');
      t.equal(await page.locator('html').getAttribute('lang'), lang, 'the portal keeps the language too');
      t.match(await page.locator('tr[data-notice-id="2026-10-15-registration-open"]').innerText(), T.attachment[lang]);
      await shot(page, lang, 'portal-home');

      // 404 on the portal and on the gateway: the same screen with the same buttons.
      const actionsOf = async (path: string) => {
        await page.goto(`${ps.origin}${path}`);
        t.equal((await markers(page)).page, 'not-found');
        return page.locator('.panel__actions a').evaluateAll((as) => as.map((a) => `${a.getAttribute('data-action')} ${a.getAttribute('href')}`));
      };
      const portal404 = await actionsOf('/no-such-page');
      await shot(page, lang, 'not-found');
      const portalText = await page.locator('main').innerText();
      t.same(await actionsOf('/auth/no-such-page'), portal404, 'gateway and portal 404 offer the same buttons');
      t.equal(await page.locator('main').innerText(), portalText, 'and the same words');

      // A password change while logged in keeps the session and leads back to the portal (3章(2)).
      await page.goto(`${ps.origin}/auth/password`);
      await shot(page, lang, 'password-change');
      const newPassword = 'Kawaru#2026z';
      await page.locator('#currentPassword').fill(password);
      await page.locator('#newPassword').fill(newPassword);
      await page.locator('#confirmPassword').fill(newPassword);
      await click(page, 'form[action^="/auth/password"] button[type=submit]');
      t.equal((await markers(page)).page, 'password-changed');
      t.match(await page.locator('main').innerText(), T.kept[lang]);
      await shot(page, lang, 'password-changed-kept');
      await click(page, '[data-action="home"]');
      t.equal((await markers(page)).page, 'portal-home', 'still logged in');

      // Logout from a portal page: the same dialog as everywhere, then the login page says so.
      await click(page, 'a[data-logout]');
      t.equal(dialogs.at(-1), T.logoutDialog[lang]);
      t.equal(pathOf(page).startsWith('/auth/login'), true);
      t.equal(await page.locator('[data-notice="logged-out"]').count(), 1, 'the login page says the user has logged out');
      await shot(page, lang, 'login-logged-out');

      // Maintenance: [閉じる] ends the session instead of leading back to the maintenance page.
      await submitLogin(page, userId, newPassword);
      const maintenance = new MaintenanceStore(ps.stack.redis.client());
      // The gateway hears a change on its own subscriber connection; wait until it has, so that the
      // browser's next request comes after the change and not merely after the store's reply.
      const heard = async (on: boolean) => {
        for (const until = Date.now() + 30_000; ps.stack.gateway.deps.maintenance.current()?.on === !on && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
      };
      await maintenance.on(lang === 'ja' ? '12/14 02:00〜06:00 定期メンテナンス' : 'Scheduled maintenance until 06:00');
      await heard(true);
      try {
        await page.goto(`${ps.origin}/`);
        t.equal((await markers(page)).page, 'maintenance');
        await shot(page, lang, 'maintenance');
        await click(page, '[data-action="close"]');
        t.equal((await markers(page)).page, 'logged-out');
        t.equal(await ps.stack.redis.client().exists(keys.session(userId)), 0, 'the session ended');
      } finally {
        await maintenance.off();
        await heard(false);
      }

      // An administrator's lock: the ended-session screen with the reason.
      await page.goto(`${ps.origin}/auth/login`);
      await submitLogin(page, userId, newPassword);
      t.equal((await markers(page)).page, 'portal-home', 'logged in again after maintenance');
      // A late favicon request after the lock would itself get the ended-session answer and clear the cookie.
      await page.waitForLoadState('networkidle');
      await ps.stack.gateway.deps.users.lock(userId);
      await page.goto(`${ps.origin}/`);
      t.same([(await markers(page)).page, (await markers(page)).reason], ['session-timeout', 'account-locked']);
      t.match(await page.locator('h1').innerText(), T.locked[lang]);
      await shot(page, lang, 'session-ended-locked');
      await ctx.close();
    });

    t.test(`${lang}: the remaining screens: first login, portal pages, certificate, logout page, multiple login, timeout, system error`, async (t) => {
      const userId = `rest-${lang}`;
      const created = await ps.stack.gateway.deps.users.create({ userId, operatorId: 'DEMO', name: lang === 'ja' ? '残り 確認' : 'Rest Check', roles: ['operator-admin'] });
      const ctx = await clientContext(browser, ps, 'demo', { locale });
      const page = await ctx.newPage();
      acceptDialogs(page);
      await page.goto(`${ps.origin}/auth/login${q}`);
      await submitLogin(page, userId, created.temporaryPassword);
      t.equal((await markers(page)).page, 'password-change');
      await shot(page, lang, 'password-change-forced');
      const password = 'Saisho#2026a';
      await page.locator('#currentPassword').fill(created.temporaryPassword);
      await page.locator('#newPassword').fill(password);
      await page.locator('#confirmPassword').fill(password);
      await click(page, 'form[action^="/auth/password"] button[type=submit]');
      t.equal(await page.locator('[data-session="ended"]').count(), 1, 'the forced change ends the session');
      await shot(page, lang, 'password-changed-forced');
      await click(page, '[data-action="login"]');
      await submitLogin(page, userId, password);
      t.equal((await markers(page)).page, 'portal-home', 'logged in with the new password');

      for (const [path, name] of [['/notices/2026-11-20-main-auction-guidelines', 'notice'], ['/registration', 'section-registration'], ['/me', 'user-info'], ['/auth/cert', 'cert-info'], ['/auth/logout', 'logout-confirm']] as const) {
        await page.goto(`${ps.origin}${path}`);
        t.equal((await markers(page)).page, name.startsWith('section') ? 'section' : name, `${path}`);
        if (name === 'user-info' || name === 'cert-info') {
          t.equal(await page.locator('code.serial').innerText(), (await page.locator('code.serial').innerText()).toLowerCase(), `${name}: the serial in the one display form`);
        }
        await shot(page, lang, name);
      }

      // A second login elsewhere: this terminal sees the multiple-login screen.
      const other = await clientContext(browser, ps, 'demo-ec', { locale });
      const second = await other.newPage();
      await second.goto(`${ps.origin}/auth/login${q}`);
      await submitLogin(second, userId, password);
      await page.goto(`${ps.origin}/`);
      t.equal((await markers(page)).page, 'multiple-login');
      t.equal(await page.locator('[data-action="close"]').count(), 1);
      await shot(page, lang, 'multiple-login');
      await other.close();

      // Session over (here: removed in the store): the session-timeout screen, with no "closing logs you out".
      await page.goto(`${ps.origin}/auth/login`);
      await submitLogin(page, userId, password);
      t.equal((await markers(page)).page, 'portal-home', `logged in again (at ${pathOf(page)})`);
      await page.waitForLoadState('networkidle');
      await ps.stack.redis.client().del(keys.session(userId));
      await page.goto(`${ps.origin}/`);
      t.equal((await markers(page)).page, 'session-timeout', `at ${pathOf(page)}`);
      t.equal(await page.locator('#close-note').count(), 0, 'an ended session does not promise to log out');
      await shot(page, lang, 'session-timeout');

      // A form whose token no longer matches: the system-error screen, with [閉じる].
      await page.goto(`${ps.origin}/auth/login`);
      await page.locator('input[name="_csrf"]').evaluate((el) => el.setAttribute('value', 'x'.repeat(43)));
      await submitLogin(page, userId, password);
      t.same([(await markers(page)).page, (await markers(page)).reason], ['system-error', 'csrf']);
      t.equal(await page.locator('[data-action="close"]').count(), 1);
      await shot(page, lang, 'system-error');
      await ctx.close();
    });
  }
}
