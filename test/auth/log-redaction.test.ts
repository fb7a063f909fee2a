// With the most verbose log level, a whole account life (forced change, wrong and right logins,
// proxied request, logout) writes no password, cookie value, hash, session id or assertion.
import t from 'tap';
import { Writable } from 'node:stream';
import { startStack, formOf, mergeCookies, OPERATOR } from '../helpers/stack.js';
import { createLogger } from '../../src/log/logger.js';
import { keys } from '../../src/store/keys.js';

let text = '';
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    text += chunk.toString();
    cb();
  },
});
const stack = await startStack({ logger: createLogger({ level: 'trace' }, sink) });
t.teardown(() => stack.close());

t.test('a login flow leaves no secret in the log', async (t) => {
  const { temporaryPassword } = await stack.gateway.deps.users.create({ userId: 'logged', operatorId: OPERATOR });
  const post = async (path: string, cookie: string, fields: Record<string, string>) =>
    stack.request('demo', path, { method: 'POST', cookie, body: new URLSearchParams(fields).toString() });

  let form = await formOf(stack, 'demo', '/auth/login');
  await post('/auth/login', form.cookie, { _csrf: form.csrf, userId: 'logged', password: 'Wrong#Secret1' });
  let res = await post('/auth/login', form.cookie, { _csrf: form.csrf, userId: 'logged', password: temporaryPassword });
  let cookie = mergeCookies(form.cookie, res.headers['set-cookie']);
  form = await formOf(stack, 'demo', '/auth/password', cookie);
  res = await post('/auth/password', form.cookie, { _csrf: form.csrf, currentPassword: temporaryPassword, newPassword: 'Fresh#Secret2', confirmPassword: 'Fresh#Secret2' });
  t.equal(res.page, 'password-changed');
  form = await formOf(stack, 'demo', '/auth/login');
  res = await post('/auth/login', form.cookie, { _csrf: form.csrf, userId: 'logged', password: 'Fresh#Secret2' });
  cookie = mergeCookies(form.cookie, res.headers['set-cookie']);
  const sid = await stack.redis.client().hget(keys.session('logged'), 'sid');
  t.equal((await stack.request('demo', '/me', { cookie })).status, 200);
  const assertion = String(stack.upstream.received.at(-1)?.headers['x-certgate-assertion'] ?? '');
  t.match(assertion, /^v2\./);
  form = await formOf(stack, 'demo', '/auth/logout', cookie);
  t.equal((await post('/auth/logout', form.cookie, { _csrf: form.csrf })).status, 303);

  const hash = (await stack.redis.client().hget(keys.user('logged'), 'hash')) ?? '';
  const sessionCookie = /__Host-certgate-session=([^;]+)/.exec(cookie)?.[1] ?? '';
  t.ok(text.length > 0, 'something was logged');
  for (const [what, secret] of Object.entries({
    temporaryPassword,
    wrongPassword: 'Wrong#Secret1',
    newPassword: 'Fresh#Secret2',
    hash,
    sessionCookie,
    sid: sid ?? '',
    assertion,
    csrf: form.csrf,
  })) {
    t.ok(secret.length > 8, `${what} is known`);
    t.notOk(text.includes(secret), `${what} is not in the log`);
  }
  t.notMatch(text, /\$argon2id\$/);
});
