// argon2id hashing limits: over-long passwords never reach argon2; past the queue → overloaded.
import t from 'tap';
import { PasswordHasher } from '../../src/users/password-hasher.js';
import { isCertgateError } from '../../src/errors/certgate-error.js';

t.test('a 129-byte password is refused without hashing', async (t) => {
  const hasher = new PasswordHasher();
  const hash = await hasher.hash('Abcdef1!');
  t.match(hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  const before = { ...hasher.stats };
  const long = 'a'.repeat(129);
  await t.rejects(hasher.hash(long), { code: 'USAGE' });
  t.equal(await hasher.verify(hash, long), false);
  t.equal(await hasher.verifyDummy(long), false);
  // Multi-byte: 43 × 3 bytes = 129 bytes in 43 characters.
  t.equal(await hasher.verify(hash, 'あ'.repeat(43)), false);
  t.same(hasher.stats, before, 'no argon2 work was done');
  t.equal(await hasher.verify(hash, 'x'.repeat(128)), false, '128 bytes is still checked');
  t.equal(hasher.stats.verifications, before.verifications + 1);
  t.equal(await hasher.verify(hash, 'Abcdef1!'), true);
  t.equal(await hasher.verify('not-a-hash', 'Abcdef1!'), false, 'a corrupt stored hash never matches');
});

t.test('past concurrency + queue, work is refused with OVERLOADED (503)', async (t) => {
  const hasher = new PasswordHasher(undefined, { concurrency: 1, queue: 2 });
  const results = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => hasher.hash(`Abcdef1!${i}`)));
  const rejected = results.filter((r) => r.status === 'rejected');
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 3, 'one running + two queued');
  t.equal(rejected.length, 2);
  for (const r of rejected) {
    const err = (r as PromiseRejectedResult).reason as unknown;
    t.ok(isCertgateError(err) && err.code === 'OVERLOADED' && err.status === 503);
  }
  t.same(hasher.load, { active: 0, waiting: 0 }, 'slots are all released');
});

t.test('the OWASP minimum is the default and the config values are used', async (t) => {
  const hasher = PasswordHasher.fromConfig({ argon2: { memoryCost: 19456, timeCost: 3, parallelism: 1 }, login: { concurrency: 2, queue: 4 } });
  t.match(await hasher.hash('Abcdef1!'), /m=19456,p=1,t=3/);
});
