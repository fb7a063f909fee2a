// In Chromium: a certificate registered for API use opens no page of the portal (the login-error
// page says why), and /auth/cert shows its usage; the browser's own web certificate still works.
import t from 'tap';
import { acceptDialogs, clientContext, launchBrowser, markers, screenshot, skipBrowser, startPortalStack } from '../helpers/browser.js';
import { registerFor } from '../helpers/api.js';

t.test('an api certificate in a browser', { skip: skipBrowser }, async (t) => {
  const ps = await startPortalStack({ env: { CERTGATE_API_PREFIX: '/api/' }, register: ['demo'] });
  t.teardown(() => ps.close());
  await registerFor(ps.stack, ps.stack.pki.clients['demo-api'], 'api');
  const browser = await launchBrowser();
  t.teardown(() => browser.close());

  const ctx = await clientContext(browser, ps, 'demo-api');
  const page = await ctx.newPage();
  acceptDialogs(page);
  await page.goto(`${ps.origin}/`);
  t.match(await markers(page), { page: 'login-error', reason: 'cert-wrong-usage' }, 'the portal is closed to it');
  t.match(await page.locator('main').innerText(), /API利用/);
  await screenshot(page, 'api-01-wrong-usage');
  await page.goto(`${ps.origin}/auth/cert?lang=en`);
  t.equal((await markers(page)).page, 'cert-info');
  t.equal(await page.locator('[data-usage]').getAttribute('data-usage'), 'api');
  t.match(await page.locator('[data-usage]').innerText(), /API \(system-to-system\)/);

  // The same browser with its web certificate gets the login page; the API refuses it as JSON.
  const web = await (await clientContext(browser, ps, 'demo')).newPage();
  await web.goto(`${ps.origin}/auth/login`);
  t.equal((await markers(web)).page, 'login');
  const api = await web.goto(`${ps.origin}/api/v1/notices`);
  t.equal(api?.status(), 403);
  t.match(api?.headers()['content-type'], /^application\/problem\+json/);
  t.match(JSON.parse((await api?.text()) ?? '{}'), { reason: 'cert-wrong-usage' });
});
