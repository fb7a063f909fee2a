// Certificate applications end to end over real mTLS, Redis and the CLI: upload and typed rows, every
// refusal before anything is stored, approval by CLI (all or none) and by the reviewer page, rejection
// with a reason, withdrawal, removal ending sessions, nobody deciding their own, operator scoping.
import t from 'tap';
import { keys } from '../../src/store/keys.js';
import { displaySerial } from '../../src/tls/serial.js';
import { cliFor } from '../helpers/cli.js';
import { OPERATOR, startStack, type Stack } from '../helpers/stack.js';
import { postApplication, postForm, userSession } from '../helpers/admin.js';

const MARKET = 'OCCTO';
const OTHER = 'OTHER';
let stack: Stack;
let admin: string;
let reviewer: string;
let cli: ReturnType<typeof cliFor>;
const idOf = (location: unknown) => /submitted=(A\d{8}-[0-9A-F]{6})/.exec(String(location))?.[1] ?? '';

t.before(async () => {
  stack = await startStack({ register: ['demo'] });
  const r = stack.redis.client();
  for (const id of [MARKET, OTHER]) await r.hset(keys.operators, id, JSON.stringify({ name: id, createdAt: Date.now() }));
  await stack.register('demo-ec', MARKET);
  admin = await userSession(stack, 'demo', 'adm', OPERATOR, ['operator-admin']);
  reviewer = await userSession(stack, 'demo-ec', 'rev', MARKET, ['market-reviewer']);
  cli = cliFor({ REDIS_URL: stack.redis.url, CERTGATE_CLIENT_CA: stack.pki.file('ca.crt'), SUDO_USER: 'occto-ops' });
});
t.teardown(() => stack.close());

t.test('files and typed rows become one pending application; nothing is usable before approval', async (t) => {
  const a = stack.pki.issueClient({ commonName: 'batch a' });
  const b = stack.pki.issueClient({ commonName: 'batch b', keyType: 'ec' });
  const res = await postApplication(stack, 'demo', admin, [
    { name: 'kind', value: 'registration' },
    { name: 'certificate', file: { filename: 'a.pem', data: a.certPem } },
    { name: 'certificate', file: { filename: 'b.der', data: b.der } },
    { name: 'serial', value: '0a:1b:2c:3d' },
    { name: 'notAfter', value: '2031-03-31' },
    { name: 'label', value: '経理部 PC' },
    { name: 'serial', value: '' },
    { name: 'notAfter', value: '' },
  ]);
  t.equal(res.status, 303);
  const id = idOf(res.headers.location);
  t.ok(id, 'redirected with the new application id');
  const page = await stack.request('demo', `/auth/admin/applications?submitted=${id}`, { cookie: admin });
  t.equal(page.page, 'admin-applications');
  t.match(page.body, new RegExp(`data-application="${id}" data-state="pending"`));
  const app = await stack.gateway.deps.applications.require(id);
  t.same(app.certificates.map((c) => c.serial).sort(), [a.serial, b.serial, '0A1B2C3D'].sort());
  t.equal(app.applicant, 'adm');
  t.equal((await stack.request(a, '/auth/login')).reason, 'cert-unregistered', 'not usable while pending');

  const list = await cli('request', 'list', '--state', 'pending', '--json');
  t.equal(list.code, 0);
  t.ok(list.json<Array<{ id: string }>>().some((x) => x.id === id));
  const show = await cli('request', 'show', id);
  t.match(show.out, displaySerial(a.serial));
  const approved = await cli('request', 'approve', id);
  t.equal(approved.code, 0, approved.err);
  t.match(approved.out, /registered 3 certificate/);
  t.equal((await stack.request(a, '/auth/login')).page, 'login', 'usable after approval');
  t.equal((await stack.request(b, '/auth/login')).page, 'login');
  const after = await stack.gateway.deps.applications.require(id);
  t.equal(after.state, 'approved');
  t.equal(after.decidedBy, 'occto-ops');
  const again = await cli('request', 'approve', id);
  t.equal(again.code, 1, 'approving twice fails');
  t.match(again.err, /approved, not pending/);
});

t.test('every bad item refuses the whole application and stores nothing', async (t) => {
  const before = await stack.redis.client().hlen(keys.applicationIndex);
  const ok = stack.pki.issueClient();
  const cases: Array<[string, Parameters<typeof postApplication>[3], string]> = [
    ['a .p12 bundle', [{ name: 'certificate', file: { filename: 'me.p12', data: stack.pki.clients.demo.p12! } }], 'private-key'],
    ['a PEM with its key', [{ name: 'certificate', file: { filename: 'me.pem', data: ok.certPem + ok.keyPem } }], 'private-key'],
    ['another CA', [{ name: 'certificate', file: { filename: 'f.crt', data: stack.pki.clients.foreign.certPem } }], 'untrusted'],
    ['garbage', [{ name: 'certificate', file: { filename: 'x.cer', data: 'hello' } }], 'not-a-certificate'],
    ['already registered', [{ name: 'certificate', file: { filename: 'demo.crt', data: stack.pki.clients.demo.certPem } }], 'already-registered'],
    ['bad serial next to a good file', [{ name: 'certificate', file: { filename: 'ok.pem', data: ok.certPem } }, { name: 'serial', value: 'zz' }, { name: 'notAfter', value: '2030-01-01' }], 'serial-invalid'],
    ['bad date', [{ name: 'serial', value: '01 02' }, { name: 'notAfter', value: '2030-02-30' }], 'date-invalid'],
    ['expired', [{ name: 'serial', value: '01 03' }, { name: 'notAfter', value: '2020-01-01' }], 'expired'],
    ['nothing', [{ name: 'kind', value: 'registration' }], 'none'],
  ];
  for (const [what, parts, code] of cases) {
    const res = await postApplication(stack, 'demo', admin, parts);
    t.equal(res.status, 422, `${what}: 422`);
    t.equal(res.error, code, `${what}: ${code}`);
  }
  t.equal(await stack.redis.client().hlen(keys.applicationIndex), before, 'no application was stored');
  t.equal((await stack.request(ok, '/auth/login')).reason, 'cert-unregistered');
});

t.test('limits before work: too many files is 413; CSRF is checked on multipart', async (t) => {
  const files = Array.from({ length: 51 }, (_, i) => ({ name: 'certificate', file: { filename: `c${i}.pem`, data: 'x' } }));
  const res = await postApplication(stack, 'demo', admin, files);
  t.equal(res.status, 413);
  const big = await postApplication(stack, 'demo', admin, [{ name: 'certificate', file: { filename: 'huge.pem', data: 'A'.repeat(70 * 1024) } }]);
  t.equal(big.status, 422);
  t.equal(big.error, 'file-too-large', 'a file over 64 KB is cut off and refused, not parsed');
  const { multipart } = await import('../helpers/multipart.js');
  const forged = multipart([{ name: '_csrf', value: 'A'.repeat(43) }, { name: 'serial', value: '01 05' }, { name: 'notAfter', value: '2030-01-01' }]);
  const bad = await stack.request('demo', '/auth/admin/applications', { method: 'POST', cookie: admin, body: forged.body, headers: { 'content-type': forged.contentType } });
  t.equal(bad.status, 403);
  t.equal(bad.reason, 'csrf');
});

t.test('reject needs a reason the applicant then sees; the applicant withdraws; no one decides their own', async (t) => {
  const c = stack.pki.issueClient();
  const id1 = idOf((await postApplication(stack, 'demo', admin, [{ name: 'certificate', file: { filename: 'c.crt', data: c.certPem } }])).headers.location);
  t.equal((await cli('request', 'reject', id1)).code, 2, 'no --reason: usage error');
  const rej = await cli('request', 'reject', id1, '--reason', 'シリアル番号が申込書と一致しません');
  t.equal(rej.code, 0, rej.err);
  const page = await stack.request('demo', '/auth/admin/applications', { cookie: admin });
  t.match(page.body, new RegExp(`data-application="${id1}" data-state="rejected"[\\s\\S]*?シリアル番号が申込書と一致しません`));

  const id2 = idOf((await postApplication(stack, 'demo', admin, [{ name: 'certificate', file: { filename: 'c.crt', data: c.certPem } }])).headers.location);
  const own = await cliFor({ REDIS_URL: stack.redis.url, CERTGATE_CLIENT_CA: stack.pki.file('ca.crt'), SUDO_USER: 'adm' })('request', 'approve', id2);
  t.equal(own.code, 1, 'the applicant cannot approve');
  t.match(own.err, /cannot decide it/);
  const w = await postForm(stack, 'demo', admin, `/auth/admin/applications/${id2}/withdraw`);
  t.equal(w.status, 303);
  t.equal((await stack.gateway.deps.applications.require(id2)).state, 'withdrawn');
  t.equal((await cli('request', 'approve', id2)).code, 1, 'a withdrawn application cannot be approved');
  t.equal((await stack.request(c, '/auth/login')).reason, 'cert-unregistered');
  const states = (await cli('request', 'list', '--json')).json<Array<{ id: string; state: string }>>();
  t.equal(states.find((x) => x.id === id2)?.state, 'withdrawn');
  t.equal((await cli('request', 'list', '--state', 'nope')).code, 2);
});

t.test('removal: bulk-select registered certificates, approval by the reviewer page removes them and ends their sessions', async (t) => {
  const old = stack.pki.issueClient({ commonName: 'old pc' });
  await stack.register(old, OPERATOR);
  const staff = await userSession(stack, old, 'oldpc', OPERATOR, ['operator-staff']);
  t.equal((await stack.request(old, '/', { cookie: staff })).status, 200, 'the old certificate works until removal');
  const certs = await stack.request('demo', '/auth/admin/certificates', { cookie: admin });
  t.equal(certs.page, 'admin-certificates');
  const field = new RegExp(`value="([0-9a-f]+:${old.serial})"`).exec(certs.body)?.[1];
  t.ok(field, 'the certificate is listed with a checkbox');
  const res = await postApplication(stack, 'demo', admin, [{ name: 'kind', value: 'removal' }, { name: 'serials', value: field! }]);
  t.equal(res.status, 303);
  const id = idOf(res.headers.location);

  const foreign = await postApplication(stack, 'demo', admin, [{ name: 'kind', value: 'removal' }, { name: 'serials', value: `x:${stack.pki.clients['demo-ec'].serial}` }]);
  t.equal(foreign.error, 'not-registered', 'another operator\'s certificate cannot be named');

  const review = await stack.request('demo-ec', '/auth/review/applications', { cookie: reviewer });
  t.equal(review.page, 'review-applications');
  t.match(review.body, new RegExp(`data-application="${id}"`));
  const done = await postForm(stack, 'demo-ec', reviewer, `/auth/review/applications/${id}/approve`, {}, '/auth/review/applications');
  t.equal(done.status, 303);
  t.equal((await stack.gateway.deps.applications.require(id)).state, 'approved');
  t.equal((await stack.request(old, '/', { cookie: staff })).reason, 'cert-unregistered', 'the removed certificate stops at once');
  t.notOk(await stack.gateway.deps.sessions.get('oldpc'), 'its session ended');
  const audit = await stack.gateway.deps.audit.list({ count: 500 });
  t.ok(audit.some((e) => e.action === 'application.approve' && e.target === id && e.actor === 'rev' && e.source === 'gateway'));
  const history = await stack.request('demo', '/auth/admin/audit', { cookie: admin });
  t.equal(history.page, 'admin-audit');
  t.match(history.body, /data-audit="application.approve"/, 'the operator sees the approval in its history');
  t.match(history.body, /data-audit="application.submit"/);
});

t.test('scoping: operator users never review, reviewers never administer, other operators\' applications are 403', async (t) => {
  t.equal((await stack.request('demo', '/auth/review/applications', { cookie: admin })).page, 'not-allowed');
  t.equal((await stack.request('demo-ec', '/auth/admin/users', { cookie: reviewer })).page, 'not-allowed');
  const otherAdmin = await userSession(stack, 'demo', 'adm-demo2', OPERATOR, ['operator-admin']);
  const c = stack.pki.issueClient();
  const id = idOf((await postApplication(stack, 'demo', admin, [{ name: 'certificate', file: { filename: 'c.crt', data: c.certPem } }])).headers.location);
  // An OTHER administrator (with a certificate of OTHER) cannot withdraw DEMO's application.
  const otherCert = stack.pki.issueClient();
  await stack.register(otherCert, OTHER);
  const foreignAdmin = await userSession(stack, otherCert, 'adm-other', OTHER, ['operator-admin']);
  const w = await postForm(stack, otherCert, foreignAdmin, `/auth/admin/applications/${id}/withdraw`);
  t.equal(w.status, 403);
  t.equal(w.page, 'not-allowed');
  t.notMatch((await stack.request(otherCert, '/auth/admin/applications', { cookie: foreignAdmin })).body, new RegExp(id), 'not listed for another operator');
  t.equal((await stack.gateway.deps.applications.require(id)).state, 'pending');
  t.ok(otherAdmin);
  t.equal((await cli('user', 'add', 'mixed', '--operator', MARKET, '--role', 'market-reviewer', '--role', 'operator-staff')).code, 2, 'market-reviewer cannot be combined');
  t.equal((await cli('user', 'add', 'rev2', '--operator', MARKET, '--role', 'market-reviewer')).code, 0);
});

t.test('edges: a failed approval stays pending with its reason; decided ones cannot be withdrawn; unknown ids are 404; own applications on the page', async (t) => {
  const c = stack.pki.issueClient();
  const id = idOf((await postApplication(stack, 'demo', admin, [{ name: 'certificate', file: { filename: 'c.crt', data: c.certPem } }])).headers.location);
  // Registered meanwhile by the CLI: the all-or-nothing import refuses and nothing changes.
  await stack.register(c, OPERATOR);
  const failed = await postForm(stack, 'demo-ec', reviewer, `/auth/review/applications/${id}/approve`, {}, '/auth/review/applications');
  t.equal(failed.status, 409);
  t.equal(failed.error, 'approval-failed');
  const app = await stack.gateway.deps.applications.require(id);
  t.equal(app.state, 'pending', 'still pending');
  t.equal(app.history.at(-1)?.action, 'approval-failed');
  t.ok(await stack.redis.client().zscore(keys.pendingApplications, id), 'still in the pending index');

  const rejected = await postForm(stack, 'demo-ec', reviewer, '/auth/review/applications', { id, action: 'reject', reason: 'already registered' }, '/auth/review/applications');
  t.equal(rejected.status, 303);
  t.notOk(await stack.redis.client().zscore(keys.pendingApplications, id), 'left the pending index');
  const late = await postForm(stack, 'demo', admin, `/auth/admin/applications/${id}/withdraw`);
  t.equal(late.status, 409);
  t.equal(late.error, 'not-pending');
  const twice = await postForm(stack, 'demo-ec', reviewer, `/auth/review/applications/${id}/approve`, {}, '/auth/review/applications');
  t.equal(twice.error, 'not-pending');

  t.equal((await postForm(stack, 'demo', admin, '/auth/admin/applications/A20260101-000000/withdraw')).status, 404);
  t.equal((await postForm(stack, 'demo-ec', reviewer, '/auth/review/applications/A20260101-000000/approve', {}, '/auth/review/applications')).status, 404);
  t.equal((await cli('request', 'show', 'A20260101-000000')).code, 1);
  t.equal((await cli('request', 'show', 'not-an-id')).code, 2);

  // A market reviewer renewing their own certificate cannot approve that application.
  const mine = stack.pki.issueClient();
  const token = await (await import('../helpers/stack.js')).formOf(stack, mine, '/auth/cert');
  const applied = await stack.request(mine, '/auth/cert', { method: 'POST', cookie: token.cookie, body: new URLSearchParams({ _csrf: token.csrf, userId: 'rev', password: 'Portal#2026ok' }).toString() });
  const own = /<body[^>]*data-application="([^"]+)"/.exec(applied.body)?.[1];
  t.ok(own);
  const refused = await postForm(stack, 'demo-ec', reviewer, `/auth/review/applications/${own}/approve`, {}, '/auth/review/applications');
  t.equal(refused.status, 403);
  t.equal(refused.error, 'own-application');
  t.equal((await stack.gateway.deps.applications.require(own!)).state, 'pending');
});

t.test('English pages: applications, review, renewal', async (t) => {
  const list = await stack.request('demo', '/auth/admin/applications?lang=en&submitted=A20260101-000000&withdrawn=A20260101-000000', { cookie: admin });
  t.match(list.body, /Application A20260101-000000 was withdrawn/);
  t.match(list.body, /Apply to register certificates/);
  const review = await stack.request('demo-ec', '/auth/review/applications?lang=en&approved=A20260101-000000', { cookie: reviewer });
  t.match(review.body, /Application A20260101-000000 was approved/);
  const rejected = await stack.request('demo-ec', '/auth/review/applications?lang=en&rejected=A20260101-000000', { cookie: reviewer });
  t.match(rejected.body, /was rejected/);
  const users = await stack.request('demo', '/auth/admin/users?lang=en&removed=someone', { cookie: admin });
  t.match(users.body, /User someone was removed/);
  const audit = await stack.request('demo', '/auth/admin/audit?lang=en', { cookie: admin });
  t.match(audit.body, /History/);
  const fresh = stack.pki.issueClient();
  const cert = await stack.request(fresh, '/auth/cert?lang=en');
  t.match(cert.body, /Apply to register this certificate/);
  const refused = await postApplication(stack, 'demo', admin, [{ name: 'serial', value: 'zz' }, { name: 'notAfter', value: 'x' }]);
  t.equal(refused.error, 'serial-invalid');
  t.match(refused.body, /zz: シリアル番号の形式が正しくありません/, 'each problem names its item, in the page language');
});

t.test('an approval that died half-way is taken over after a minute, not stuck forever', async (t) => {
  const c = stack.pki.issueClient();
  const id = idOf((await postApplication(stack, 'demo', admin, [{ name: 'certificate', file: { filename: 'c.crt', data: c.certPem } }])).headers.location);
  const store = stack.gateway.deps.applications.store;
  await store.update(OPERATOR, id, (a) => ({ ...a, state: 'approving', approvingAt: Date.now() }));
  const busy = await cli('request', 'approve', id);
  t.equal(busy.code, 1, 'a fresh claim is respected');
  t.match(busy.err, /being approved/);
  await store.update(OPERATOR, id, (a) => ({ ...a, approvingAt: Date.now() - 120_000 }));
  const ok = await cli('request', 'approve', id);
  t.equal(ok.code, 0, ok.err);
  t.equal((await stack.request(c, '/auth/login')).page, 'login');
});
