// /auth/admin/users over real mTLS and Redis: the operator's administrator lists, adds, unlocks, locks,
// resets, logs out, re-roles and removes their own users; every action on another operator's user is 403
// and changes nothing; self and last-administrator protections; CSRF and role checks.
import t from 'tap';
import { keys } from '../../src/store/keys.js';
import { OPERATOR, csrfOf, formOf, mergeCookies, startStack, type Stack } from '../helpers/stack.js';

const OTHER = 'OTHER';
let stack: Stack;
let adminCookie: string;

t.before(async () => {
  stack = await startStack();
  const admin = stack.redis.client();
  await admin.hset(keys.operators, OTHER, JSON.stringify({ name: 'Other operator', createdAt: Date.now() }));
  const pw = await stack.createUser('adm', { roles: ['operator-admin'], name: '管理 太郎' });
  adminCookie = await stack.login('demo', 'adm', pw);
});
t.teardown(() => stack.close());

const get = (path: string, cookie = adminCookie) => stack.request('demo', path, { cookie });
async function post(path: string, fields: Record<string, string | string[]> = {}, cookie = adminCookie) {
  const page = await formOf(stack, 'demo', '/auth/admin/users/new', cookie);
  const body = new URLSearchParams();
  body.append('_csrf', page.csrf);
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return stack.request('demo', path, { method: 'POST', cookie: page.cookie, body: body.toString() });
}

t.test('list and search show the operator\'s users only, with their state', async (t) => {
  await stack.gateway.deps.users.create({ userId: 'staff1', operatorId: OPERATOR, name: '山田 花子' });
  await stack.gateway.deps.users.create({ userId: 'foreign1', operatorId: OTHER, name: 'Foreign' });
  const res = await get('/auth/admin/users');
  t.equal(res.status, 200);
  t.equal(res.page, 'admin-users');
  t.match(res.body, /data-user="staff1"/);
  t.match(res.body, /data-user="adm"/);
  t.notMatch(res.body, /foreign1/, 'another operator\'s user is not listed');
  t.match(res.body, /data-user="staff1"[\s\S]*?data-state="must-change"/, 'a new user waits for the password change');
  const found = await get('/auth/admin/users?q=%E5%B1%B1%E7%94%B0');
  t.match(found.body, /data-user="staff1"/, 'search by name');
  t.notMatch(found.body, /data-user="adm"/);
});

t.test('adding a user shows the temporary password once; the user must change it', async (t) => {
  const res = await post('/auth/admin/users/new', { userId: 'newbie', name: '新人', email: 'newbie@example.co.jp', roles: ['operator-staff'] });
  t.equal(res.status, 200);
  t.equal(res.page, 'admin-user-created');
  const temp = /data-temporary-password[^>]*>([^<]+)</.exec(res.body)?.[1];
  t.ok(temp && temp.length >= 12, 'temporary password shown');
  const user = await stack.gateway.deps.users.require('newbie');
  t.equal(user.operatorId, OPERATOR, 'created for the admin\'s own operator');
  t.same(user.roles, ['operator-staff']);
  t.equal(user.email, 'newbie@example.co.jp');
  t.ok(user.mustChange);
  t.notMatch(stack.rawLogs(), temp!, 'the temporary password is never logged');
  const audit = await stack.gateway.deps.audit.list();
  t.ok(audit.some((e) => e.action === 'user.add' && e.target === 'newbie' && e.actor === 'adm' && e.source === 'gateway'), 'audited with the web user as actor');

  const dup = await post('/auth/admin/users/new', { userId: 'newbie', roles: ['operator-staff'] });
  t.equal(dup.status, 409);
  t.equal(dup.error, 'exists');
  const badRole = await post('/auth/admin/users/new', { userId: 'x2', roles: ['market-reviewer'] });
  t.equal(badRole.status, 422);
  t.equal(badRole.error, 'roles', 'market-side roles are not granted from the browser');
  t.notOk(await stack.gateway.deps.users.get('x2'));
  const badId = await post('/auth/admin/users/new', { userId: 'a b', roles: ['operator-staff'] });
  t.equal(badId.error, 'user-id');
});

t.test('unlock, lock, reset (password shown once after the redirect), end session, roles, remove', async (t) => {
  const users = stack.gateway.deps.users;
  const pw = await stack.createUser('worker');
  await users.lock('worker');
  let res = await post('/auth/admin/users/worker/unlock');
  t.equal(res.status, 303);
  t.match(res.headers.location, /^\/auth\/admin\/users\/worker\?done=unlock/);
  t.notOk((await users.require('worker')).locked);

  const workerCookie = await stack.login('demo', 'worker', pw);
  res = await post('/auth/admin/users/worker/end-session');
  t.equal(res.status, 303);
  t.notOk(await stack.gateway.deps.sessions.get('worker'), 'session ended');
  t.equal((await stack.request('demo', '/', { cookie: workerCookie })).status, 401, 'the worker is logged out');

  res = await post('/auth/admin/users/worker/lock');
  t.equal(res.status, 303);
  t.ok((await users.require('worker')).locked);

  res = await post('/auth/admin/users/worker/reset-password');
  t.equal(res.status, 303);
  const shown = await stack.request('demo', res.headers.location as string, { cookie: mergeCookies(adminCookie, res.headers['set-cookie']) });
  t.equal(shown.page, 'admin-user');
  const temp = /data-temporary-password[^>]*>([^<]+)</.exec(shown.body)?.[1];
  t.ok(temp, 'the new temporary password is shown after the redirect');
  t.ok((await users.require('worker')).mustChange);
  const again = await stack.request('demo', res.headers.location as string, { cookie: mergeCookies(mergeCookies(adminCookie, res.headers['set-cookie']), shown.headers['set-cookie']) });
  t.notMatch(again.body, /data-temporary-password/, 'shown once only');

  res = await post('/auth/admin/users/worker/roles', { roles: ['operator-staff', 'operator-admin'] });
  t.equal(res.status, 303);
  t.same((await users.require('worker')).roles, ['operator-staff', 'operator-admin']);

  res = await post('/auth/admin/users/worker/remove');
  t.equal(res.status, 303);
  t.match(res.headers.location, /^\/auth\/admin\/users\?removed=worker/);
  t.notOk(await users.get('worker'));
  const audit = await stack.gateway.deps.audit.list({ count: 200 });
  for (const action of ['user.unlock', 'session.kill', 'user.lock', 'user.reset-password', 'user.roles', 'user.remove']) {
    t.ok(audit.some((e) => e.action === action && e.target === 'worker' && e.actor === 'adm'), `${action} audited with actor adm`);
  }
});

t.test('every action on another operator\'s user is 403 not-allowed and changes nothing', async (t) => {
  const users = stack.gateway.deps.users;
  await users.create({ userId: 'foreign2', operatorId: OTHER, name: 'Foreign two', roles: ['operator-admin'] });
  await users.lock('foreign2');
  const before = await stack.redis.client().hgetall(keys.user('foreign2'));
  const view = await get('/auth/admin/users/foreign2');
  t.equal(view.status, 403);
  t.equal(view.page, 'not-allowed');
  for (const action of ['unlock', 'lock', 'reset-password', 'end-session', 'remove', 'roles']) {
    const res = await post(`/auth/admin/users/foreign2/${action}`, action === 'roles' ? { roles: ['operator-staff'] } : {});
    t.equal(res.status, 403, `${action}: 403`);
    t.equal(res.page, 'not-allowed', `${action}: not-allowed page`);
  }
  t.same(await stack.redis.client().hgetall(keys.user('foreign2')), before, 'the record is byte-for-byte unchanged');
  const missing = await get('/auth/admin/users/nobody-here');
  t.equal(missing.status, 404);
});

t.test('an administrator cannot lock, remove, demote or log out themselves', async (t) => {
  for (const action of ['lock', 'remove', 'end-session', 'reset-password']) {
    const res = await post(`/auth/admin/users/adm/${action}`);
    t.equal(res.status, 409, `${action} on self refused`);
    t.equal(res.error, 'self');
  }
  const res = await post('/auth/admin/users/adm/roles', { roles: ['operator-staff'] });
  t.equal(res.error, 'self');
  const me = await stack.gateway.deps.users.require('adm');
  t.same(me.roles, ['operator-admin']);
  t.notOk(me.locked);
});

t.test('the role is checked on every request; CSRF on every form', async (t) => {
  const pw = await stack.createUser('plainstaff');
  const cookie = await stack.login('demo', 'plainstaff', pw);
  for (const path of ['/auth/admin/users', '/auth/admin/certificates', '/auth/admin/applications', '/auth/admin/audit', '/auth/review/applications']) {
    const res = await get(path, cookie);
    t.equal(res.status, 403, `${path} refused for operator-staff`);
    t.equal(res.page, 'not-allowed');
  }
  const noSession = await stack.request('demo', '/auth/admin/users');
  t.equal(noSession.status, 303, 'no session: to the login');
  const noToken = await stack.request('demo', '/auth/admin/users/plainstaff/lock', { method: 'POST', cookie: adminCookie, body: '' });
  t.equal(noToken.status, 403);
  t.equal(noToken.reason, 'csrf');
  t.notOk((await stack.gateway.deps.users.require('plainstaff')).locked, 'nothing changed without the token');
  t.ok(csrfOf((await get('/auth/admin/users/plainstaff')).body), 'the detail page carries a token');
});

t.test('changes to administrators are serialised per operator: a held lease answers busy and changes nothing', async (t) => {
  await stack.gateway.deps.users.create({ userId: 'adm2', operatorId: OPERATOR, roles: ['operator-admin'] });
  await stack.redis.client().set(keys.operatorAdminLease(OPERATOR), 'someone-else', 'PX', 5000);
  const res = await post('/auth/admin/users/adm2/remove');
  t.equal(res.status, 409);
  t.equal(res.error, 'busy');
  t.ok(await stack.gateway.deps.users.get('adm2'), 'not removed');
  await stack.redis.client().del(keys.operatorAdminLease(OPERATOR));
  const demoted = await post('/auth/admin/users/adm2/roles', { roles: ['operator-staff'] });
  t.equal(demoted.status, 303, 'another administrator may be demoted while one remains');
  t.same((await stack.gateway.deps.users.require('adm2')).roles, ['operator-staff']);
  t.equal(await stack.redis.client().exists(keys.operatorAdminLease(OPERATOR)), 0, 'the lease is released');
});

t.test('a store outage on the administration pages is a 503 page, never a change or a crash', async (t) => {
  await stack.redis.stop();
  const list = await stack.request('demo', '/auth/admin/users', { cookie: adminCookie });
  t.equal(list.status, 503);
  t.equal(list.page, 'system-error');
  t.equal(list.reason, 'store-unavailable');
  const apply = await stack.request('demo', '/auth/admin/applications', { method: 'POST', cookie: adminCookie, body: 'x=1' });
  t.equal(apply.status, 503);
  await stack.redis.start();
});
