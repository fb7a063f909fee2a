// Renewal from the live connection: POST /auth/cert with a trusted, unregistered certificate, the user's
// ID and password (the login's lockout rules), an application whose serial and dates come from the TLS
// handshake, nothing usable before approval, and the applicant seeing the result on /auth/cert.
import t from 'tap';
import { keys } from '../../src/store/keys.js';
import { OPERATOR, formOf, mergeCookies, startStack, type Stack } from '../helpers/stack.js';
import type { Issued } from '../../src/tls/pki.js';
import { PASSWORD, postForm, userSession } from '../helpers/admin.js';

let stack: Stack;
let reviewer: string;

t.before(async () => {
  stack = await startStack({ register: ['demo'], env: { CERTGATE_LOCKOUT_THRESHOLD: '3', CERTGATE_CERT_FAILURE_LIMIT: '4' } });
  await stack.redis.client().hset(keys.operators, 'OCCTO', JSON.stringify({ name: 'OCCTO', createdAt: Date.now() }));
  await stack.register('demo-ec', 'OCCTO');
  reviewer = await userSession(stack, 'demo-ec', 'rev', 'OCCTO', ['market-reviewer']);
  await userSession(stack, 'demo', 'renewer', OPERATOR, ['operator-staff']);
});
t.teardown(() => stack.close());

/** The form's token comes from /auth/cert, else from the login page; `reuse` keeps an earlier one (no form is shown twice). */
async function apply(cert: Issued, userId: string, password: string, reuse?: { csrf: string; cookie: string }) {
  let form = reuse ?? (await formOf(stack, cert, '/auth/cert'));
  if (!form.csrf) form = await formOf(stack, cert, '/auth/login');
  return stack.request(cert, '/auth/cert', { method: 'POST', cookie: form.cookie, body: new URLSearchParams({ _csrf: form.csrf, userId, password }).toString() });
}

t.test('a new certificate is applied for from the connection and works only after approval', async (t) => {
  const fresh = stack.pki.issueClient({ commonName: 'renewed pc' });
  const info = await stack.request(fresh, '/auth/cert');
  t.equal(info.status, 200);
  t.equal(info.page, 'cert-info');
  t.match(info.body, /data-renewal/, 'the form is offered for an unregistered certificate');

  const wrong = await apply(fresh, 'renewer', 'Wrong#pass123');
  t.equal(wrong.status, 401);
  t.equal(wrong.error, 'invalid-credentials');
  t.equal((await stack.gateway.deps.users.require('renewer')).failures, 1, 'a wrong password counts like a login failure');

  const token = await formOf(stack, fresh, '/auth/cert');
  const ok = await apply(fresh, 'renewer', PASSWORD, token);
  t.equal(ok.status, 200);
  t.equal(ok.page, 'cert-info');
  const id = /data-application="([^"]+)"/.exec(/<body[^>]*>/.exec(ok.body)?.[0] ?? '')?.[1];
  t.ok(id, 'cert-info carries data-application');
  const app = await stack.gateway.deps.applications.require(id!);
  t.equal(app.renewal, true);
  t.equal(app.operatorId, OPERATOR, 'for the user\'s own operator');
  t.equal(app.applicant, 'renewer');
  t.same(app.certificates.map((c) => [c.serial, c.origin]), [[fresh.serial, 'connection']], 'serial from the TLS handshake');
  t.ok(app.certificates[0]!.notAfter! > Date.now());
  t.equal((await stack.request(fresh, '/auth/login')).reason, 'cert-unregistered', 'not usable before approval');
  t.notOk(await stack.gateway.deps.sessions.get('renewer').then((s) => s?.cert.endsWith(fresh.serial)), 'no session for the new certificate');

  t.notMatch(ok.body, /id="password"/, 'no second form once applied');
  const twice = await apply(fresh, 'renewer', PASSWORD, token);
  t.equal(twice.status, 409);
  t.equal(twice.error, 'already-applied');

  const pending = await stack.request(fresh, '/auth/cert');
  t.match(pending.body, /data-state="pending"/, 'the applicant sees the pending application');
  const done = await postForm(stack, 'demo-ec', reviewer, '/auth/review/applications', { id: id!, decision: 'approve' }, '/auth/review/applications');
  t.equal(done.status, 303);
  const approved = await stack.request(fresh, '/auth/cert');
  t.match(approved.body, /data-state="approved"/, 'and then its approval');
  t.match(approved.body, /data-state="registered"/);
  const login = await stack.login(fresh, 'renewer', PASSWORD);
  t.ok(login, 'the renewed certificate logs in');
});

t.test('refusals: registered certificate, locked account, missing token', async (t) => {
  const registered = await apply(stack.pki.clients.demo, 'renewer', PASSWORD);
  t.equal(registered.status, 409, `${registered.page} ${registered.reason} ${registered.error}`);
  t.equal(registered.error, 'not-applicable');

  const other = stack.pki.issueClient();
  await stack.gateway.deps.users.lock('renewer');
  const locked = await apply(other, 'renewer', PASSWORD);
  t.equal(locked.status, 403);
  t.equal(locked.error, 'account-locked');
  await stack.gateway.deps.users.unlock('renewer');

  const unknown = await apply(other, 'nobody', PASSWORD);
  t.equal(unknown.status, 401, 'an unknown user reads like a wrong password');

  const form = await formOf(stack, other, '/auth/cert');
  const noToken = await stack.request(other, '/auth/cert', { method: 'POST', cookie: form.cookie, body: new URLSearchParams({ userId: 'renewer', password: PASSWORD }).toString() });
  t.equal(noToken.status, 403);
  t.equal(await stack.redis.client().exists(keys.certificateApplication(stack.pki.trustedCas[0]!.id, other.serial)), 0, 'nothing applied');
  t.ok(mergeCookies);
});

t.test('a reviewer rejection with a reason reaches the applicant on /auth/cert', async (t) => {
  const c = stack.pki.issueClient();
  const ok = await apply(c, 'renewer', PASSWORD);
  const id = /<body[^>]*data-application="([^"]+)"/.exec(ok.body)?.[1];
  const missing = await postForm(stack, 'demo-ec', reviewer, `/auth/review/applications/${id}/reject`, {}, '/auth/review/applications');
  t.equal(missing.status, 422);
  t.equal(missing.error, 'reason');
  const rej = await postForm(stack, 'demo-ec', reviewer, `/auth/review/applications/${id}/reject`, { reason: '利用申込書が未着です' }, '/auth/review/applications');
  t.equal(rej.status, 303);
  const seen = await stack.request(c, '/auth/cert');
  t.match(seen.body, /data-state="rejected"/);
  t.match(seen.body, /利用申込書が未着です/);
  t.match(seen.body, /data-renewal/, 'after a rejection the user may apply again');
});

t.test('the per-certificate failure limit applies to applications as to logins: 429 with Retry-After', async (t) => {
  const c = stack.pki.issueClient();
  const token = await formOf(stack, c, '/auth/cert');
  for (let i = 0; i < 4; i++) t.equal((await apply(c, `nobody${i}`, 'Wrong#pass123', token)).status, 401);
  const blocked = await apply(c, 'renewer', PASSWORD, token);
  t.equal(blocked.status, 429);
  t.equal(blocked.error, 'too-many-attempts');
  t.ok(Number(blocked.headers['retry-after']) > 0);
  t.equal(await stack.redis.client().exists(keys.certificateApplication(stack.pki.trustedCas[0]!.id, c.serial)), 0, 'nothing applied');
});
