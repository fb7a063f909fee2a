// In Chromium, through the gateway to the real portal: a session replaced by a login in another browser
// (multiple-login screen) and a session ended by the idle timeout (session-timeout screen).
import t from 'tap';
import type { Browser } from 'playwright-core';
import { testClock } from '../helpers/stack.js';
import { clientContext, japaneseFontNote, launchBrowser, markers, pathOf, screenshot, skipBrowser, startPortalStack, submitLogin, type PortalStack } from '../helpers/browser.js';

if (skipBrowser) {
  t.plan(0, skipBrowser);
} else {
  let browser: Browser;
  t.before(async () => {
    const note = japaneseFontNote();
    if (note) t.comment(note);
    browser = await launchBrowser();
  });
  t.teardown(() => browser?.close());

  t.test('replace policy: a login in a second browser ends the first one with the multiple-login screen', async (t) => {
    const ps: PortalStack = await startPortalStack({ env: { CERTGATE_SINGLE_LOGIN: 'replace' } });
    t.teardown(() => ps.close());
    const userId = 'browser-twice';
    const password = await ps.stack.createUser(userId, { name: '二重 三郎' });

    // Two browser profiles of the same operator: each presents its own registered certificate.
    const ctxA = await clientContext(browser, ps, 'demo');
    const ctxB = await clientContext(browser, ps, 'demo-ec');
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    await a.goto(`${ps.origin}/auth/login`);
    await submitLogin(a, userId, password);
    t.equal((await markers(a)).page, 'portal-home', 'A is logged in');
    await b.goto(`${ps.origin}/auth/login`);
    await submitLogin(b, userId, password);
    t.equal((await markers(b)).page, 'portal-home', 'B is logged in as the same user');

    const res = await a.reload();
    t.equal(res?.status(), 401);
    t.same(await markers(a), { page: 'multiple-login', reason: 'replaced', error: null, section: null });
    t.equal(await a.locator('main h1').innerText(), '別の端末から同じユーザIDでログインされました');
    t.equal(await a.locator('nav.main-menu').count(), 0, 'an error screen has no menu');
    await screenshot(a, '16-multiple-login');

    await b.reload();
    t.equal((await markers(b)).page, 'portal-home', 'the newer login carries on');
    // [閉じる] closes A's screen (its session is already over) with the logged-out screen, leaving B alone.
    await Promise.all([a.waitForEvent('load'), a.getByRole('link', { name: '閉じる' }).click()]);
    t.equal(pathOf(a), '/auth/closed');
    t.equal((await markers(a)).page, 'logged-out');
    await b.reload();
    t.equal((await markers(b)).page, 'portal-home', 'closing the old screen did not end the new session');
    await ctxA.close();
    await ctxB.close();
  });

  t.test('an idle session ends: the next page is the session-timeout screen', async (t) => {
    // The gateway's clock is injected: the test moves it past the idle limit instead of waiting.
    const clock = testClock();
    const ps: PortalStack = await startPortalStack({ clock: clock.now, env: { CERTGATE_SESSION_IDLE_TIMEOUT: '1s' } });
    t.teardown(() => ps.close());
    const userId = 'browser-idle';
    const password = await ps.stack.createUser(userId);
    const ctx = await clientContext(browser, ps, 'demo');
    const page = await ctx.newPage();
    await page.goto(`${ps.origin}/auth/login?next=%2Fauction`);
    await submitLogin(page, userId, password);
    t.same(await markers(page), { page: 'section', reason: null, error: null, section: 'auction' }, 'logged in');

    // Past the 1 s idle limit.
    clock.advance(1500);
    const res = await page.goto(`${ps.origin}/contract`);
    t.equal(res?.status(), 401);
    t.same(await markers(page), { page: 'session-timeout', reason: 'idle', error: null, section: null });
    t.equal(await page.locator('main h1').innerText(), '一定時間操作がなかったため、ログアウトしました');
    await screenshot(page, '17-session-timeout');

    await page.goto(`${ps.origin}/contract`);
    t.equal(pathOf(page), '/auth/login?next=%2Fcontract', 'afterwards the portal asks for a new login');
    await submitLogin(page, userId, password);
    t.same(await markers(page), { page: 'section', reason: null, error: null, section: 'contract' }, 'and a new login works');
    await ctx.close();
  });
}
