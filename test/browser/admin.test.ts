// In Chromium with client certificates: the operator's administrator unlocks, reissues and adds users,
// applies for a certificate by uploading its file; a user applies for their renewed certificate from
// /auth/cert; the market operator approves by CLI and on the review page; the applicants see the results.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { keys } from '../../src/store/keys.js';
import { OPERATOR } from '../helpers/stack.js';
import { cliFor } from '../helpers/cli.js';
import { PASSWORD, userSession } from '../helpers/admin.js';
import { acceptDialogs, clientContext, launchBrowser, markers, screenshot, skipBrowser, startPortalStack, submitLogin, type PortalStack } from '../helpers/browser.js';

const MARKET = 'OCCTO';

const click = (page: Page, locator: ReturnType<Page['locator']>) => Promise.all([page.waitForEvent('load'), locator.click()]);

if (skipBrowser) {
  t.plan(0, skipBrowser);
} else {
  let browser: Browser;
  let ps: PortalStack;
  t.before(async () => {
    const [b, s] = await Promise.allSettled([launchBrowser(), startPortalStack({ register: ['demo'] })]);
    if (b.status === 'fulfilled') browser = b.value;
    if (s.status === 'fulfilled') ps = s.value;
    if (b.status === 'rejected') throw b.reason;
    if (s.status === 'rejected') throw s.reason;
    const stack = ps.stack;
    await stack.redis.client().hset(keys.operators, MARKET, JSON.stringify({ name: '電力広域的運営推進機関', createdAt: Date.now() }));
    await stack.register('demo-ec', MARKET);
    await userSession(stack, 'demo', 'kanri', OPERATOR, ['operator-admin']);
    await userSession(stack, 'demo', 'koushin', OPERATOR, ['operator-staff']);
    await userSession(stack, 'demo-ec', 'shinsa', MARKET, ['market-reviewer']);
  });
  t.teardown(async () => {
    await browser?.close();
    await ps?.close();
  });

  t.test('administrator: unlock, reissue, add a user, apply with a file; CLI approval; reviewer approval of a renewal', async (t) => {
    const stack = ps.stack;
    const users = stack.gateway.deps.users;
    await users.create({ userId: 'tanaka', operatorId: OPERATOR, name: '田中 一郎' });
    await users.lock('tanaka');

    const adminCtx = await clientContext(browser, ps, 'demo');
    const page = await adminCtx.newPage();
    const dialogs = acceptDialogs(page);
    await page.goto(`${ps.origin}/auth/login`);
    await submitLogin(page, 'kanri', PASSWORD);
    // From the portal's 参加登録 menu to ユーザ情報管理.
    await page.goto(`${ps.origin}/registration`);
    await click(page, page.getByRole('link', { name: 'ユーザ情報管理' }));
    t.equal((await markers(page)).page, 'admin-users');
    t.equal(await page.locator('tr[data-user="tanaka"] [data-state]').getAttribute('data-state'), 'locked');
    await screenshot(page, 'admin-01-users');

    // Unlock (confirmation dialog), then reissue the password: the temporary one is shown once.
    await click(page, page.getByRole('link', { name: 'tanaka' }));
    t.equal((await markers(page)).page, 'admin-user');
    await click(page, page.getByRole('button', { name: 'ロックを解除' }));
    t.match(await page.getByRole('status').innerText(), 'ロックを解除しました');
    t.notOk((await users.require('tanaka')).locked, 'unlocked in the store');
    await click(page, page.getByRole('button', { name: 'パスワードを再発行' }));
    const temp = await page.locator('[data-temporary-password]').innerText();
    t.ok(temp.length >= 12, 'temporary password shown');
    t.ok(dialogs.some((d) => d.includes('ロックを解除します')) && dialogs.some((d) => d.includes('パスワードを再発行します')), 'each action asked first');
    await screenshot(page, 'admin-02-reset');

    // Add a user with the keyboard only.
    await page.goto(`${ps.origin}/auth/admin/users/new`);
    await page.locator('#userId').focus();
    await page.keyboard.type('suzuki');
    await page.keyboard.press('Tab');
    await page.keyboard.type('鈴木 花子');
    await page.keyboard.press('Tab');
    await page.keyboard.type('suzuki@example.co.jp');
    await page.getByRole('checkbox', { name: /事業者管理者/ }).focus();
    await page.keyboard.press('Space');
    await Promise.all([page.waitForEvent('load'), page.locator('#userId').press('Enter')]);
    t.equal((await markers(page)).page, 'admin-user-created');
    t.ok((await page.locator('[data-temporary-password]').innerText()).length >= 12);
    const suzuki = await users.require('suzuki');
    t.same([...suzuki.roles].sort(), ['operator-admin', 'operator-staff']);
    t.equal(suzuki.email, 'suzuki@example.co.jp');
    await screenshot(page, 'admin-03-created');

    // A certificate application with a file upload.
    const dir = mkdtempSync(join(tmpdir(), 'certgate-upload-'));
    const bought = stack.pki.issueClient({ commonName: '経理部 新端末' });
    writeFileSync(join(dir, 'new-pc.cer'), bought.certPem);
    await click(page, page.getByRole('link', { name: '申請' }));
    await page.locator('#certificate').setInputFiles(join(dir, 'new-pc.cer'));
    await click(page, page.getByRole('button', { name: '登録を申請' }));
    const applied = await markers(page);
    t.equal(applied.page, 'admin-applications');
    const id = await page.locator('body').getAttribute('data-application');
    t.ok(id, 'the new application');
    t.equal(await page.locator(`tr[data-application="${id}"]`).getAttribute('data-state'), 'pending');
    await screenshot(page, 'admin-04-applied');

    // The market operator approves by CLI; the administrator sees 承認.
    const cli = cliFor({ REDIS_URL: stack.redis.url, CERTGATE_CLIENT_CA: stack.pki.file('ca.crt'), SUDO_USER: 'occto-ops' });
    const approved = await cli('request', 'approve', id!);
    t.equal(approved.code, 0, approved.err);
    await page.reload();
    const row = page.locator(`tr[data-application="${id}"]`);
    t.equal(await row.getAttribute('data-state'), 'approved');
    t.match(await row.innerText(), '承認');
    await screenshot(page, 'admin-05-approved');

    // Renewal: the user opens /auth/cert with the new certificate and applies with ID and password.
    const renewed = stack.pki.issueClient({ commonName: 'koushin renewed' });
    const userCtx = await browser.newContext({
      ignoreHTTPSErrors: true,
      locale: 'ja-JP',
      clientCertificates: [{ origin: ps.origin, cert: Buffer.from(renewed.certPem), key: Buffer.from(renewed.keyPem) }],
    });
    userCtx.setDefaultTimeout(10_000);
    const user = await userCtx.newPage();
    acceptDialogs(user);
    await user.goto(`${ps.origin}/`);
    t.equal((await markers(user)).reason, 'cert-unregistered');
    await user.goto(`${ps.origin}/auth/cert`);
    await user.locator('#userId').fill('koushin');
    await user.locator('#password').fill(PASSWORD);
    await click(user, user.getByRole('button', { name: '登録を申請' }));
    t.equal((await markers(user)).page, 'cert-info');
    const renewalId = await user.locator('body').getAttribute('data-application');
    t.ok(renewalId, 'cert-info names the application');
    t.match(await user.getByRole('status').innerText(), renewalId!);
    await screenshot(user, 'admin-06-renewal-applied');

    // The reviewer approves on the 審査 page, reached from the portal menu.
    const revCtx = await clientContext(browser, ps, 'demo-ec');
    const rev = await revCtx.newPage();
    const revDialogs = acceptDialogs(rev);
    await rev.goto(`${ps.origin}/auth/login`);
    await submitLogin(rev, 'shinsa', PASSWORD);
    await rev.goto(`${ps.origin}/review`);
    await click(rev, rev.getByRole('link', { name: 'クライアント証明書 申請審査' }));
    t.equal((await markers(rev)).page, 'review-applications');
    await screenshot(rev, 'admin-07-review');
    await click(rev, rev.locator(`tr[data-application="${renewalId}"] form[data-action="approve"] button`));
    t.match(await rev.getByRole('status').innerText(), renewalId!);
    t.ok(revDialogs.some((d) => d.includes('承認します')));

    // The applicant sees the result and logs in with the renewed certificate.
    await user.reload();
    t.equal(await user.locator('[data-renewal] [data-state]').getAttribute('data-state'), 'approved');
    await user.goto(`${ps.origin}/`);
    await submitLogin(user, 'koushin', PASSWORD);
    t.equal((await markers(user)).page, 'portal-home', 'the renewed certificate works');
    await screenshot(user, 'admin-08-renewed-login');

    // History shows the web users as actors.
    await page.goto(`${ps.origin}/auth/admin/audit`);
    t.equal((await markers(page)).page, 'admin-audit');
    t.ok(await page.locator('tr[data-audit="user.unlock"]').count(), 'the unlock is in the operator\'s history');
    t.match(await page.locator('tr[data-audit="user.unlock"]').first().innerText(), 'kanri');
    await screenshot(page, 'admin-09-audit');
    await Promise.all([adminCtx.close(), userCtx.close(), revCtx.close()]);
  });
}
