// Certificates bought ahead (start date in the future) can be registered before they are valid and
// start working on their start date without another step.
import t from 'tap';
import { startStack } from '../helpers/stack.js';

t.test('registered ahead, works from its start date', async (t) => {
  const stack = await startStack();
  t.teardown(() => stack.close());
  const startsAt = new Date(Date.now() + 2500);
  const cert = stack.pki.issueClient({ commonName: 'next batch', notBefore: startsAt, notAfter: new Date(Date.now() + 730 * 86_400_000) });
  await stack.register(cert);

  const early = await stack.request(cert, '/auth/login');
  t.equal(early.status, 403, 'refused before its start date');
  t.equal(early.reason, 'cert-not-yet-valid');

  await new Promise((r) => setTimeout(r, Math.max(0, startsAt.getTime() - Date.now()) + 300));
  const onTime = await stack.request(cert, '/auth/login');
  t.equal(onTime.status, 200, 'accepted once valid, with no further registration');
  t.equal(onTime.page, 'login');
});
