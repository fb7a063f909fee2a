// The portal app on a loopback port: assertion check, every page, attachments, roles, paging, languages.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger } from '../../src/log/logger.js';
import { createPortalApp } from '../../src/portal/app.js';
import type { Identity } from '../../src/proxy/assertion.js';
import { signedHeaders } from '../helpers/assertion.js';
import { bodyAttrs, htmlLang, inlineCode, tags, text, accessibilityProblems } from '../helpers/html.js';

const SECRET = Buffer.from('portal-test-secret-0123456789abcdef0123456789');
const DAY = 86_400_000;
const PDF = Buffer.from('%PDF-1.4\n%test\n%%EOF\n');
const CSV = Buffer.from('\uFEFF事業者ID,事業者名\r\nOP1,テスト電力\r\n');

const notice = (date: string, title: string, category = 'general') =>
  JSON.stringify({ date, category, title: { ja: `${title} ja`, en: `${title} en` }, body: { ja: `${title}の本文。\n\n二段落目。`, en: `${title} body.` } });

// Seven notices (two pages of five), one with two attachments and one hidden file.
const fixture = {
  notices: {
    n1: { 'notice.json': notice('2026-01-01', 'N1') },
    n2: { 'notice.json': notice('2026-02-01', 'N2') },
    n3: { 'notice.json': notice('2026-03-01', 'N3', 'important') },
    n4: { 'notice.json': notice('2026-04-01', 'N4') },
    n5: { 'notice.json': notice('2026-05-01', 'N5') },
    n6: { 'notice.json': notice('2026-06-01', 'N6') },
    n7: {
      'notice.json': notice('2026-07-01', 'N7', 'auction'),
      attachments: { 'guide.pdf': PDF, '参加登録様式.csv': CSV, '.secret': 'hidden' },
    },
    broken: { 'notice.json': '{ not json' },
  },
  'outside.txt': 'must never be served',
};

const identity = (over: Partial<Identity> = {}): Identity => ({
  user: 'user01',
  userName: '事業者 太郎',
  operator: 'OP0001',
  roles: ['operator-staff'],
  certSerial: '0A1B2C',
  certNotAfter: new Date(Date.now() + 400 * DAY).toISOString(),
  ...over,
});

t.test('portal', async (t) => {
  const dir = t.testdir(fixture);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const app = createPortalApp({ assertionKey: SECRET, contentDir: dir, logger: createLogger({ level: 'info' }, sink), contentTtlMs: 0 });
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => new Promise((r) => server.close(r)));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const get = (path: string, id: Identity | null = identity(), headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers: { ...(id ? signedHeaders(SECRET, 'GET', path, id) : {}), ...headers }, redirect: 'manual' });
  // The same portal on a clock the test sets (assertions signed at that time).
  let clockAt = 0;
  const timed = createServer(createPortalApp({ assertionKey: SECRET, contentDir: dir, logger: createLogger({ level: 'silent' }), contentTtlMs: 0, now: () => clockAt }).callback()).listen(0, '127.0.0.1');
  await new Promise((r) => timed.once('listening', r));
  t.teardown(() => new Promise((r) => timed.close(r)));
  const pageAt = async (at: number, path: string, id: Identity): Promise<string> => {
    clockAt = at;
    const res = await fetch(`http://127.0.0.1:${(timed.address() as AddressInfo).port}${path}`, { headers: signedHeaders(SECRET, 'GET', path, id, at) });
    return res.text();
  };
  const page = async (path: string, id?: Identity | null, headers?: Record<string, string>) => {
    const res = await get(path, id, headers);
    const html = await res.text();
    return { res, html, body: bodyAttrs(html) };
  };

  t.test('refuses requests without a valid assertion', async (t) => {
    const none = await page('/', null);
    t.equal(none.res.status, 401);
    t.equal(none.body['data-page'], 'unauthorized');
    t.notMatch(none.html, '事業者 太郎');

    const spoofed = await page('/', null, { 'x-certgate-user': 'admin', 'x-certgate-roles': 'operator-admin' });
    t.equal(spoofed.res.status, 401, 'identity headers alone are not trusted');

    const signed = signedHeaders(SECRET, 'GET', '/registration', identity());
    const tampered = await fetch(`${base}/registration`, { headers: { ...signed, 'x-certgate-roles': 'operator-admin' } });
    t.equal(tampered.status, 401, 'changing a signed value breaks the assertion');

    const forged = signedHeaders(Buffer.from('another-secret-another-secret-0000000'), 'GET', '/', identity());
    t.equal((await fetch(`${base}/`, { headers: forged })).status, 401, 'signed with another secret');

    const stale = signedHeaders(SECRET, 'GET', '/', identity(), Date.now() - 60 * 60_000);
    t.equal((await fetch(`${base}/`, { headers: stale })).status, 401, 'an old assertion is refused');

    t.equal((await get('/assets/app.css', null)).status, 401, 'assets too');
    t.equal((await get('/notices/n7/attachments/guide.pdf', null)).status, 401, 'attachments too');
    t.equal((await page('/', null, { 'accept-language': 'en' })).body['data-page'], 'unauthorized');
  });

  t.test('home: notices newest first, paged', async (t) => {
    const first = await page('/');
    t.equal(first.res.status, 200);
    t.equal(first.body['data-page'], 'portal-home');
    t.equal(first.res.headers.get('cache-control'), 'no-store');
    t.match(first.res.headers.get('content-security-policy'), "default-src 'none'");
    const ids = tags(first.html, 'tr').map((r) => r['data-notice-id']).filter(Boolean);
    t.same(ids, ['n7', 'n6', 'n5', 'n4', 'n3'], 'five newest, newest first; the broken notice is skipped');
    t.match(text(first.html), '2026/07/01');
    t.match(text(first.html), '全 7 件');
    t.ok(tags(first.html, 'a').some((a) => a.rel === 'next' && a.href === '/?page=2'));

    const second = await page('/?page=2');
    t.same(tags(second.html, 'tr').map((r) => r['data-notice-id']).filter(Boolean), ['n2', 'n1']);
    t.ok(tags(second.html, 'a').some((a) => a.rel === 'prev' && a.href === '/'));
    t.notOk(tags(second.html, 'a').some((a) => a.rel === 'next'));

    const beyond = await page('/?page=99');
    t.same(tags(beyond.html, 'tr').map((r) => r['data-notice-id']).filter(Boolean), ['n2', 'n1'], 'clamped to the last page');
    const junk = await page('/?page=abc');
    t.equal(tags(junk.html, 'tr').filter((r) => r['data-notice-id']).length, 5, 'junk means page 1');
    t.ok(logLines.some((l) => l.includes('notice skipped') && l.includes('broken')), 'the broken notice is logged');
  });

  t.test('notice detail with attachment links', async (t) => {
    const { res, html, body } = await page('/notices/n7');
    t.equal(res.status, 200);
    t.equal(body['data-page'], 'notice');
    t.match(text(html), 'N7 ja');
    t.equal(tags(html, 'p').filter((p) => !p.class).length >= 2, true, 'blank lines make paragraphs');
    const links = tags(html, 'a').map((a) => a.href).filter((h) => h?.includes('/attachments/'));
    t.same(links, ['/notices/n7/attachments/guide.pdf', `/notices/n7/attachments/${encodeURIComponent('参加登録様式.csv')}`]);
    t.notOk(html.includes('.secret'), 'hidden files are not listed');
    t.equal((await page('/notices/nope')).res.status, 404);
    t.equal((await page('/notices/broken')).body['data-page'], 'not-found');
  });

  t.test('attachments: type, UTF-8 disposition, exact bytes', async (t) => {
    const pdf = await get('/notices/n7/attachments/guide.pdf');
    t.equal(pdf.status, 200);
    t.equal(pdf.headers.get('content-type'), 'application/pdf');
    t.equal(pdf.headers.get('content-disposition'), `attachment; filename="guide.pdf"; filename*=UTF-8''guide.pdf`);
    t.equal(pdf.headers.get('x-content-type-options'), 'nosniff');
    t.same(Buffer.from(await pdf.arrayBuffer()), PDF);

    const csv = await get(`/notices/n7/attachments/${encodeURIComponent('参加登録様式.csv')}`);
    t.equal(csv.status, 200);
    t.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    t.equal(
      csv.headers.get('content-disposition'),
      `attachment; filename="attachment.csv"; filename*=UTF-8''${encodeURIComponent('参加登録様式.csv')}`,
    );
    t.equal(Number(csv.headers.get('content-length')), CSV.length);
    t.same(Buffer.from(await csv.arrayBuffer()), CSV);
  });

  t.test('no path traversal', async (t) => {
    const attempts = [
      '/notices/n7/attachments/..%2Fnotice.json',
      '/notices/n7/attachments/..%2F..%2F..%2Foutside.txt',
      '/notices/n7/attachments/%2e%2e%2f%2e%2e%2foutside.txt',
      '/notices/n7/attachments/..%5C..%5Coutside.txt',
      '/notices/n7/attachments/.secret',
      '/notices/..%2F..%2F/attachments/outside.txt',
      '/notices/n7/attachments/%00guide.pdf',
      '/notices/n7/attachments/guide.pdf%00',
      '/notices/n7/attachments/',
      '/notices/n7/attachments/%E0%A4%A',
    ];
    for (const path of attempts) {
      const res = await get(path);
      t.equal(res.status, 404, path);
      t.notMatch(await res.text(), 'must never be served', path);
    }
  });

  t.test('sections: operations depend on roles', async (t) => {
    const ops = (html: string) => tags(html, 'li').map((l) => l['data-operation']).filter(Boolean);
    const admin = await page('/registration', identity({ roles: ['operator-admin'] }));
    const staff = await page('/registration', identity({ roles: ['operator-staff'] }));
    const reviewer = await page('/registration', identity({ roles: ['reviewer'] }));
    for (const p of [admin, staff, reviewer]) {
      t.equal(p.body['data-page'], 'section');
      t.equal(p.body['data-section'], 'registration');
    }
    t.ok(ops(admin.html).includes('user-management'));
    t.ok(ops(admin.html).includes('operator-info'));
    t.notOk(ops(staff.html).includes('user-management'), 'staff cannot manage users');
    t.ok(ops(staff.html).includes('resource-info'));
    t.same(ops(reviewer.html), [], 'reviewers have no registration work');
    t.ok(tags(reviewer.html, 'p').some((p) => p['data-operations'] === 'none'));

    const review = await page('/review', identity({ roles: ['reviewer'] }));
    t.ok(ops(review.html).includes('operator-review'));
    const staffReview = await page('/review');
    t.same(ops(staffReview.html), ['application-status']);
    for (const s of ['auction', 'contract']) {
      const p = await page(`/${s}`);
      t.equal(p.res.status, 200);
      t.equal(p.body['data-section'], s);
    }
    const unknownRole = await page('/auction', identity({ roles: ['superuser'] }));
    t.same(ops(unknownRole.html), [], 'unknown roles grant nothing');
  });

  t.test('user info', async (t) => {
    const { html, body } = await page('/me', identity({ roles: ['operator-admin', 'reviewer'] }));
    t.equal(body['data-page'], 'user-info');
    for (const s of ['user01', '事業者 太郎', 'OP0001', '事業者管理者', '審査担当者']) t.match(text(html), s);
    // The serial arrives upper-case from the gateway and is shown the way every other page shows it.
    t.match(text(html), '0a 1b 2c');
    t.notMatch(text(html), '0A1B2C');
    t.ok(tags(html, 'a').some((a) => a.href === '/auth/password'));
    t.ok(tags(html, 'a').some((a) => a.href === '/auth/cert'));
  });

  t.test('layout: user bar, logout link, menu, renewal banner', async (t) => {
    const { html } = await page('/');
    t.ok(tags(html, 'a').some((a) => a.href === '/auth/logout'), 'logout goes to the confirmation page');
    t.ok(tags(html, 'a').some((a) => a.href === '/auction'));
    t.notMatch(text(html), '有効期限は', 'no banner for a certificate far from expiry');
    // Days left are counted in Japan's calendar days, so the banner is read on an injected clock:
    // 10.5 days from 09:00 JST is the eleventh day at 21:00, whatever the hour the suite runs.
    const at = Date.parse('2027-03-01T00:00:00Z'); // 09:00 JST
    const banner = await pageAt(at, '/', identity({ certNotAfter: new Date(at + 10.5 * DAY).toISOString() }));
    t.match(text(banner), '残り 10 日');
    const soon = await page('/', identity({ certNotAfter: new Date(Date.now() + 10.5 * DAY).toISOString() }));
    t.match(text(soon.html), '有効期限は', 'the banner on the real clock too');
    t.same(inlineCode(soon.html), []);
    t.same(accessibilityProblems(soon.html), []);
    t.ok(tags(soon.html, 'link').some((l) => l.href?.startsWith('/assets/app.css')));
  });

  t.test('languages', async (t) => {
    t.equal(htmlLang((await page('/')).html), 'ja');
    const en = await page('/?lang=en');
    t.equal(htmlLang(en.html), 'en');
    t.match(text(en.html), 'N7 en');
    t.ok(tags(en.html, 'a').some((a) => a.href === '/notices/n7?lang=en'), 'links keep English');
    t.equal(htmlLang((await page('/contract', undefined, { 'accept-language': 'en-US,en;q=0.9' })).html), 'en');
  });

  t.test('assets, 404 and other methods', async (t) => {
    const css = await get('/assets/app.css');
    t.equal(css.status, 200);
    t.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    t.equal((await get('/assets/app.css', undefined, { 'if-none-match': css.headers.get('etag')! })).status, 304);
    const missing = await page('/no/such/page');
    t.equal(missing.res.status, 404);
    t.equal(missing.body['data-page'], 'not-found');
    t.equal(missing.body['data-reason'], 'not-found');
    const post = await fetch(`${base}/`, { method: 'POST', headers: signedHeaders(SECRET, 'POST', '/', identity()) });
    t.equal(post.status, 405);
  });

  t.test('logs never contain the assertion', async (t) => {
    const signed = signedHeaders(SECRET, 'GET', '/', identity());
    await fetch(`${base}/`, { headers: signed });
    const all = logLines.join('');
    t.notMatch(all, signed['x-certgate-assertion']!.split('.')[2]!);
    t.ok(all.includes('"path":"/"'), 'requests are logged');
  });
});
