// Notice store (reload on change, invalid files, symlinks), the role table, the demo content and servePortal.
import { symlinkSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { demoContentDir } from '../../src/config/paths.js';
import { createLogger } from '../../src/log/logger.js';
import { createNoticeStore } from '../../src/portal/content.js';
import { asciiFallback, contentDisposition } from '../../src/portal/disposition.js';
import { OPERATIONS, operationsFor, roleTableMarkdown } from '../../src/portal/menu.js';
import { createPortalApp } from '../../src/portal/app.js';
import { servePortal } from '../../src/portal/serve.js';
import { signedHeaders } from '../helpers/assertion.js';
import { deriveKeys } from '../../src/config/derived-keys.js';
import { ROLES } from '../../src/users/roles.js';
import { bodyAttrs } from '../helpers/html.js';

const quiet = () => createLogger({ level: 'silent' });
const json = (date: string, title: string, extra: object = {}) =>
  JSON.stringify({ date, title: { ja: title, en: title }, body: { ja: 'b', en: 'b' }, ...extra });

t.test('notice store picks up new and edited notices, skips bad ones', async (t) => {
  const dir = t.testdir({ notices: { a: { 'notice.json': json('2026-01-01', 'A') } } });
  const lines: string[] = [];
  const logger = createLogger({ level: 'warn' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
  const store = createNoticeStore(dir, { logger, ttlMs: 0 });
  t.same((await store.list(1, 10)).items.map((n) => n.id), ['a']);
  t.equal((await store.get('a'))?.category, 'general', 'category defaults to general');

  mkdirSync(join(dir, 'notices', 'b'));
  writeFileSync(join(dir, 'notices', 'b', 'notice.json'), json('2026-02-01', 'B'));
  t.same((await store.list(1, 10)).items.map((n) => n.id), ['b', 'a'], 'new notice appears without restart');

  writeFileSync(join(dir, 'notices', 'a', 'notice.json'), json('2026-03-01', 'A edited'));
  utimesSync(join(dir, 'notices', 'a', 'notice.json'), new Date(), new Date(Date.now() + 5000));
  t.equal((await store.get('a'))?.title.ja, 'A edited', 'edited notice is reparsed');
  t.same((await store.list(1, 10)).items.map((n) => n.id), ['a', 'b']);

  mkdirSync(join(dir, 'notices', 'c'));
  writeFileSync(join(dir, 'notices', 'c', 'notice.json'), json('20260401', 'C'));
  mkdirSync(join(dir, 'notices', 'd'));
  writeFileSync(join(dir, 'notices', 'd', 'notice.json'), json('2026-04-01', 'D', { category: 'gossip' }));
  t.same((await store.list(1, 10)).items.map((n) => n.id), ['a', 'b'], 'invalid date and category are skipped');
  t.ok(lines.some((l) => l.includes('"notice":"c"') && l.includes('date')), 'the reason is logged');
  t.equal(await store.get('../a'), undefined);
});

t.test('attachments: regular files only', async (t) => {
  const dir = t.testdir({
    secret: { 'key.pem': 'KEY' },
    notices: { a: { 'notice.json': json('2026-01-01', 'A'), attachments: { 'ok.txt': 'ok', sub: { 'x.txt': 'x' } } } },
  });
  symlinkSync(join(dir, 'secret', 'key.pem'), join(dir, 'notices', 'a', 'attachments', 'link.pem'));
  const store = createNoticeStore(dir, { logger: quiet(), ttlMs: 0 });
  t.same((await store.get('a'))?.attachments.map((a) => a.name), ['ok.txt']);
  t.equal(await store.attachment('a', 'link.pem'), undefined, 'symlinks are not served');
  t.equal(await store.attachment('a', 'sub'), undefined);
  t.equal((await store.attachment('a', 'ok.txt'))?.info.contentType, 'text/plain; charset=utf-8');
});

t.test('a missing content folder means no notices, not an error', async (t) => {
  const store = createNoticeStore(join(t.testdir({}), 'nope'), { logger: quiet() });
  t.same(await store.list(1, 5), { items: [], page: 1, pageCount: 1, total: 0 });
});

t.test('Content-Disposition fallback names', async (t) => {
  t.equal(asciiFallback('参加登録様式.csv'), 'attachment.csv');
  t.equal(asciiFallback('report 2026 (final).pdf'), 'report_2026_final.pdf');
  t.equal(asciiFallback('a"b\\c.txt'), 'a_b_c.txt');
  t.equal(contentDisposition("it's (1).txt"), `attachment; filename="it_s_1.txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
});

t.test('role table', async (t) => {
  t.ok(OPERATIONS.every((o) => o.roles.length > 0 && o.title.ja && o.title.en && o.description.ja && o.description.en));
  t.equal(new Set(OPERATIONS.map((o) => o.id)).size, OPERATIONS.length, 'ids are unique');
  const staff = (s: Parameters<typeof operationsFor>[0]) => operationsFor(s, ['operator-staff']).map((o) => o.id);
  const admin = (s: Parameters<typeof operationsFor>[0]) => operationsFor(s, ['operator-admin']).map((o) => o.id);
  for (const s of ['registration', 'review', 'auction', 'contract'] as const) {
    t.ok(staff(s).every((id) => admin(s).includes(id)), `${s}: the administrator sees everything staff sees`);
  }
  t.same(operationsFor('contract', ['reviewer']), []);
  t.same(operationsFor('review', []), []);
  const md = roleTableMarkdown();
  for (const r of ROLES) t.match(md, r);
  t.equal(md.split('\n').length, OPERATIONS.length + 2);
});

t.test('the demo content is complete and valid', async (t) => {
  const store = createNoticeStore(demoContentDir(), { logger: quiet() });
  const list = await store.list(1, 100);
  t.ok(list.total >= 4 && list.total <= 6, `${list.total} demo notices`);
  const withFiles = await Promise.all(list.items.map((n) => store.get(n.id)));
  const names = withFiles.flatMap((n) => n?.attachments.map((a) => a.name) ?? []);
  t.ok(names.some((n) => n.endsWith('.pdf')), 'a PDF');
  t.ok(names.includes('参加登録様式.csv'), 'the CSV with a Japanese name');
  for (const n of withFiles) {
    for (const a of n?.attachments ?? []) {
      const found = await store.attachment(n!.id, a.name);
      t.ok(found && a.size > 0, `${a.name} is readable`);
    }
  }
});

t.test('servePortal', async (t) => {
  await t.rejects(servePortal({ NODE_ENV: 'development' }), /CERTGATE_SECRET must be set/, 'no secret in development: refuse with advice');
  await t.rejects(servePortal({}), /CERTGATE_SECRET/, 'no secret in production: refuse');
  const secret = 'serve-test-secret-serve-test-secret-0123';
  const running = await servePortal({ CERTGATE_SECRET: secret, CERTGATE_PORTAL_LISTEN: '127.0.0.1:0', LOG_LEVEL: 'silent' });
  t.ok(running.port > 0);
  const headers = signedHeaders(deriveKeys(Buffer.from(secret)).assertion, 'GET', '/', {
    user: 'u', userName: 'U', operator: 'OP', roles: ['operator-staff'], certSerial: '01', certNotAfter: new Date(Date.now() + 1e10).toISOString(),
  });
  const res = await fetch(`http://127.0.0.1:${running.port}/`, { headers });
  t.equal(res.status, 200);
  t.equal(bodyAttrs(await res.text())['data-page'], 'portal-home');
  await running.close();
  await running.close();
  await t.rejects(fetch(`http://127.0.0.1:${running.port}/`), 'closed');
});

t.test('an unreadable content folder is a 500 system-error page without internals', async (t) => {
  const dir = t.testdir({ notices: 'a file where a folder should be' });
  const secret = Buffer.from('unreadable-test-secret-0123456789abcdef');
  const app = createPortalApp({ assertionKey: secret, contentDir: dir, logger: quiet() });
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => new Promise((r) => server.close(r)));
  const headers = signedHeaders(secret, 'GET', '/', {
    user: 'u', userName: 'U', operator: 'OP', roles: [], certSerial: '01', certNotAfter: new Date(Date.now() + 1e10).toISOString(),
  });
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers });
  t.equal(res.status, 500);
  const html = await res.text();
  t.equal(bodyAttrs(html)['data-page'], 'system-error');
  t.equal(bodyAttrs(html)['data-reason'], 'internal');
  t.notMatch(html, /ENOTDIR|at .*\.ts/);
});
