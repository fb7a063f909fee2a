// Shared steps of the administration tests: a user of any operator logged in with any client
// certificate (through the forced password change), and posting forms with their CSRF token.
import type { Issued } from '../../src/tls/pki.js';
import type { DevClientName } from './pki.js';
import { formOf, mergeCookies, type Stack } from './stack.js';
import { multipart, type Part } from './multipart.js';

export const PASSWORD = 'Portal#2026ok';

/** Creates the user, logs in with `client`, changes the temporary password; returns a live session cookie. */
export async function userSession(stack: Stack, client: DevClientName | Issued, userId: string, operatorId: string, roles: string[]): Promise<string> {
  const { temporaryPassword } = await stack.gateway.deps.users.create({ userId, operatorId, roles, name: `User ${userId}` });
  const first = await stack.login(client, userId, temporaryPassword);
  const form = await formOf(stack, client, '/auth/password', first);
  const done = await stack.request(client, '/auth/password', {
    method: 'POST',
    cookie: form.cookie,
    body: new URLSearchParams({ _csrf: form.csrf, currentPassword: temporaryPassword, newPassword: PASSWORD, confirmPassword: PASSWORD }).toString(),
  });
  if (done.page !== 'password-changed') throw new Error(`password change of ${userId}: ${done.status} ${done.page} ${done.error}`);
  return stack.login(client, userId, PASSWORD);
}

/** POST a urlencoded form with the token of `tokenPage` (any page of the session). */
export async function postForm(stack: Stack, client: DevClientName | Issued, cookie: string, path: string, fields: Record<string, string | string[]> = {}, tokenPage = '/auth/admin/applications') {
  const page = await formOf(stack, client, tokenPage, cookie);
  const body = new URLSearchParams();
  body.append('_csrf', page.csrf);
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return stack.request(client, path, { method: 'POST', cookie: mergeCookies(cookie, page.res.headers['set-cookie']), body: body.toString() });
}

/** POST multipart/form-data to /auth/admin/applications with the page's token. */
export async function postApplication(stack: Stack, client: DevClientName | Issued, cookie: string, parts: Part[]) {
  const page = await formOf(stack, client, '/auth/admin/applications', cookie);
  const { body, contentType } = multipart([{ name: '_csrf', value: page.csrf }, ...parts]);
  return stack.request(client, '/auth/admin/applications', { method: 'POST', cookie: page.cookie, body, headers: { 'content-type': contentType } });
}
