// In Chromium, under the production CSP: styles and the script load, and data-confirm forms ask first.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import t from 'tap';
import { chromium } from 'playwright-core';
import { gatewayPages } from '../../src/pages/gateway-pages.js';
import { serveAssets } from '../../src/pages/serve-assets.js';

const CHROMIUM = '/usr/bin/chromium';
const CSP = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

t.test('confirmation dialogs and CSP', { skip: existsSync(CHROMIUM) ? false : 'chromium not installed' }, async (t) => {
  const posts: string[] = [];
  const app = new Koa();
  app.use(async (ctx, next) => {
    ctx.set('Content-Security-Policy', CSP);
    await next();
  });
  app.use(serveAssets('/auth/assets/'));
  app.use((ctx) => {
    if (ctx.method === 'POST') {
      posts.push(ctx.path);
      ctx.type = 'text/plain';
      ctx.body = 'posted';
      return;
    }
    ctx.type = 'html';
    // The header's logout link leads here; app.js reads the logout form (and its token) from this page.
    if (ctx.path === '/auth/logout') {
      ctx.body = gatewayPages.logoutConfirm({ lang: 'ja', csrfToken: 'tok', user: { id: 'u1', name: 'User' } });
      return;
    }
    ctx.body = gatewayPages.passwordChange({ lang: 'ja', csrfToken: 'tok', user: { id: 'u1', name: 'User' } }, { userId: 'u1', forced: false });
  });
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => new Promise((r) => server.close(r)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/password`;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(url);
  t.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')!).backgroundColor), 'rgb(15, 42, 77)', 'stylesheet applied');

  const dialogs: string[] = [];
  page.once('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.click('form[action="/auth/password"] button[type=submit]');
  t.match(dialogs[0], 'パスワードを変更します');

  page.once('dialog', (d) => void d.accept());
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('form[action="/auth/password"] button[type=submit]')]);
  // Exactly one POST: the dismissed attempt sent nothing, the accepted one went through.
  t.same(posts, ['/auth/password'], 'Cancel sends nothing, OK sends the form');

  await page.goto(url);
  page.once('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('.user-bar a[data-logout]')]);
  t.equal(dialogs[1], 'ログアウトしますか？');
  t.same(posts, ['/auth/password', '/auth/logout']);
  t.same(violations, [], 'no CSP violations');
});
