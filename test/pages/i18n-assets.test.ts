// Language choice, Japan-time dates, the shared assets and their middleware.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import t from 'tap';
import { ASSET_NAMES, assetUrl, getAsset } from '../../src/pages/assets.js';
import { formatDate, formatDateTime, formatSize, withLang } from '../../src/pages/format.js';
import { messages, pickLang } from '../../src/pages/i18n.js';
import { langSwitchHref } from '../../src/pages/layout.js';
import { serveAssets } from '../../src/pages/serve-assets.js';

t.test('pickLang: ?lang= first, then the first preferred Accept-Language, Japanese by default', async (t) => {
  t.equal(pickLang(undefined, undefined), 'ja');
  t.equal(pickLang('en', undefined), 'en');
  t.equal(pickLang('EN', 'ja'), 'en');
  t.equal(pickLang('ja', 'en-US,en;q=0.9'), 'ja');
  t.equal(pickLang('fr', 'en-GB'), 'en', 'unsupported ?lang falls back to the header');
  t.equal(pickLang(undefined, 'en-US,en;q=0.9,ja;q=0.8'), 'en');
  t.equal(pickLang(undefined, 'ja,en-US;q=0.9,en;q=0.8'), 'ja');
  t.equal(pickLang(undefined, 'fr-FR,en;q=0.5'), 'ja', 'first preferred is French: default');
  t.equal(pickLang(undefined, 'ja;q=0.3, en;q=0.7'), 'en', 'quality decides, not order');
  t.equal(pickLang(undefined, '*;q=1, en;q=0'), 'ja', 'q=0 means not acceptable');
  t.equal(pickLang(undefined, 'garbage;;;,,,'), 'ja');
  t.equal(pickLang(undefined, `${'x-'.repeat(5000)},en`), 'ja', 'oversized header does not throw');
});

t.test('both dictionaries cover the same keys', async (t) => {
  const shape = (o: unknown): unknown =>
    typeof o === 'object' && o !== null ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v.length : shape(v)])) : typeof o;
  t.same(shape(messages('en')), shape(messages('ja')));
});

t.test('dates are Japan time', async (t) => {
  const d = new Date('2026-03-31T15:30:00Z'); // 2026-04-01 00:30 JST
  t.equal(formatDate(d, 'ja'), '2026/04/01');
  t.equal(formatDate(d, 'en'), '2026-04-01');
  t.equal(formatDateTime(d, 'ja'), '2026/04/01 00:30（日本時間）', 'a time says which zone');
  t.equal(formatDateTime(d, 'en'), '2026-04-01 00:30 JST');
  t.equal(formatDate(new Date('invalid'), 'ja'), '-');
  // CERTGATE_TIME_ZONE reaches the pages through the frame.
  t.equal(formatDateTime(d, 'en', 'UTC'), '2026-03-31 15:30 UTC');
  t.equal(formatDateTime(d, 'ja', 'UTC'), '2026/03/31 15:30（UTC）');
  t.equal(formatSize(512), '512 B');
  t.equal(formatSize(1536), '1.5 KB');
  t.equal(formatSize(3 * 1024 * 1024), '3.0 MB');
});

t.test('links keep English; the language switch keeps the query', async (t) => {
  t.equal(withLang('/auction', 'ja'), '/auction');
  t.equal(withLang('/auction', 'en'), '/auction?lang=en');
  t.equal(withLang('/?page=2', 'en'), '/?page=2&lang=en');
  t.equal(langSwitchHref('/?page=2&lang=en', 'ja'), '/?page=2&lang=ja');
  t.equal(langSwitchHref(undefined, 'en'), '?lang=en');
  t.equal(langSwitchHref('//evil.example/x', 'en'), '?lang=en', 'never an off-site link');
});

t.test('assets: one source with content types and versions', async (t) => {
  t.same([...ASSET_NAMES].sort(), ['app.css', 'app.js', 'favicon.svg']);
  t.equal(getAsset('app.css')?.contentType, 'text/css; charset=utf-8');
  t.equal(getAsset('app.js')?.contentType, 'text/javascript; charset=utf-8');
  t.equal(getAsset('__proto__'), undefined);
  t.equal(getAsset('../app.css'), undefined);
  t.match(assetUrl('/auth/assets/', 'app.css'), /^\/auth\/assets\/app\.css\?v=[\w-]{10}$/);
  t.match(getAsset('app.js')!.body.toString(), 'data-confirm', 'the script implements data-confirm');
  t.match(getAsset('app.css')!.body.toString(), ':focus-visible', 'visible focus');
});

t.test('serveAssets answers GET/HEAD with ETag and 304', async (t) => {
  const app = new Koa();
  app.use(serveAssets('/auth/assets/'));
  app.use((ctx) => {
    ctx.status = 418;
  });
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => new Promise((r) => server.close(r)));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const res = await fetch(`${base}/auth/assets/app.css?v=1`);
  t.equal(res.status, 200);
  t.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
  t.equal(res.headers.get('x-content-type-options'), 'nosniff');
  t.equal(await res.text(), getAsset('app.css')!.body.toString());
  const again = await fetch(`${base}/auth/assets/app.css`, { headers: { 'If-None-Match': res.headers.get('etag')! } });
  t.equal(again.status, 304);
  t.equal((await fetch(`${base}/auth/assets/nope.css`)).status, 418, 'unknown names fall through');
  t.equal((await fetch(`${base}/auth/assets/app.css`, { method: 'POST' })).status, 418);
});
