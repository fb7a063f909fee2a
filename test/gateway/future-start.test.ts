// Certificates bought ahead (start date in the future) can be registered before they are valid and
// start working on their start date without another step. The gateway's clock is injected: the
// test moves it to the start date instead of waiting for it.
import t from 'tap';
import { startStack, testClock } from '../helpers/stack.js';

t.test('registered ahead, works from its start date', async (t) => {
  const clock = testClock();
  const stack = await startStack({ clock: clock.now });
  t.teardown(() => stack.close());

  // Truly in the future: TLS itself reports it not yet valid.
  const ahead = stack.pki.issueClient({ commonName: 'next batch', notBefore: new Date(Date.now() + 86_400_000), notAfter: new Date(Date.now() + 730 * 86_400_000) });
  await stack.register(ahead);
  const early = await stack.request(ahead, '/auth/login');
  t.equal(early.status, 403, 'refused before its start date');
  t.equal(early.reason, 'cert-not-yet-valid');

  // Its start date reached: seen an hour before it through the gateway's clock, then on the day.
  const startsAt = new Date(Date.now() - 60_000);
  const cert = stack.pki.issueClient({ commonName: 'next batch 2', notBefore: startsAt, notAfter: new Date(Date.now() + 730 * 86_400_000) });
  await stack.register(cert);
  clock.set(startsAt.getTime() - 3_600_000);
  const before = await stack.request(cert, '/auth/login');
  t.equal(before.status, 403, 'refused while the clock is before its start date');
  t.equal(before.reason, 'cert-not-yet-valid');
  clock.set(startsAt.getTime() + 1000);
  const onTime = await stack.request(cert, '/auth/login');
  t.equal(onTime.status, 200, 'accepted once valid, with no further registration');
  t.equal(onTime.page, 'login');
});
