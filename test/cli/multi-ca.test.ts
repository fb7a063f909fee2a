// Several trusted client CAs in the CLI: `serial add --issuer` and the CSV `issuer` column (CA file
// or SHA-256 fingerprint) register the same serial under different CAs, and a row or command that
// leaves the CA open is refused when it is ambiguous.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { registrationCount } from '../helpers/store-keys.js';
import { keys } from '../../src/store/keys.js';
import { createCa } from '../../src/tls/pki.js';
import { createIntermediateCa } from '../../src/tls/pki-revocation.js';
import { readCertificate } from '../../src/tls/certificate.js';
import { cliFor } from '../helpers/cli.js';
import { startRedis } from '../helpers/redis-server.js';

const server = await startRedis();
t.teardown(() => server.stop());
const redis = server.client();
const dir = t.testdir({ cas: {} });
const root = createCa({ commonName: 'multi root' });
const issuing1 = createIntermediateCa(root, { commonName: 'multi issuing 1' });
const issuing2 = createCa({ commonName: 'multi issuing 2' });
writeFileSync(join(dir, 'bundle.pem'), issuing1.certPem + root.certPem + issuing2.certPem);
writeFileSync(join(dir, 'cas', 'issuing1.pem'), issuing1.certPem);
writeFileSync(join(dir, 'cas', 'foreign.pem'), createCa({ commonName: 'foreign' }).certPem);
const fp2 = readCertificate(issuing2.der).fingerprint256;
const cli = cliFor({ REDIS_URL: server.url, CERTGATE_CLIENT_CA: join(dir, 'bundle.pem') }, dir);

t.beforeEach(async () => {
  await redis.flushall();
  await cli('operator', 'add', 'acme', '--name', 'Acme');
});

t.test('serial add --issuer keeps the same serial apart per CA', async (t) => {
  const none = await cli('serial', 'add', '10:01', '--operator', 'acme');
  t.equal(none.code, 2);
  t.match(none.err, /several client CAs are trusted; choose one with --issuer/);
  t.equal((await cli('serial', 'add', '10:01', '--operator', 'acme', '--issuer', 'cas/issuing1.pem')).code, 0);
  t.equal((await cli('serial', 'add', '10 01', '--operator', 'acme', '--issuer', fp2)).code, 0, 'the same serial under the other CA');
  t.ok(await redis.get(keys.registration(issuing1.id, '1001')));
  t.ok(await redis.get(keys.registration(issuing2.id, '1001')));
  const list = (await cli('serial', 'list', '--json')).json<Array<{ issuerId: string; serial: string }>>();
  t.same(list.map((r) => r.issuerId).sort(), [issuing1.id, issuing2.id].sort());
  const ambiguous = await cli('serial', 'remove', '1001');
  t.equal(ambiguous.code, 2);
  t.match(ambiguous.err, /registered under 2 issuers; choose one with --issuer/);
  t.equal((await cli('serial', 'remove', '1001', '--issuer', fp2)).code, 0);
  t.ok(await redis.get(keys.registration(issuing1.id, '1001')), 'the other CA’s registration stays');
});

t.test('CSV issuer column: CA file (next to the CSV) or fingerprint', async (t) => {
  writeFileSync(
    join(dir, 'cas', 'batch.csv'),
    `serial,operator,not_after,label,issuer\n10:01,acme,2028-03-31,one,issuing1.pem\n10:01,acme,2028-03-31,two,${fp2}\n10:02,acme,2028-03-31,three,${fp2.toUpperCase().match(/../g)!.join(':')}\n`,
  );
  const r = await cli('serial', 'import', 'cas/batch.csv');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /imported 3 certificate serial\(s\)/);
  t.match(JSON.parse((await redis.get(keys.registration(issuing1.id, '1001')))!), { l: 'one' });
  t.match(JSON.parse((await redis.get(keys.registration(issuing2.id, '1001')))!), { l: 'two' });
  t.ok(await redis.get(keys.registration(issuing2.id, '1002')));
});

t.test('CSV rows that leave the CA open or name an untrusted one: nothing written', async (t) => {
  writeFileSync(
    join(dir, 'cas', 'bad.csv'),
    `serial,operator,not_after,label,issuer\n10:01,acme,2028-03-31,no issuer,\n10:02,acme,2028-03-31,foreign,foreign.pem\n10:03,acme,2028-03-31,typo,nope.pem\n10:01,acme,2028-03-31,dup a,issuing1.pem\n1001,acme,2028-03-31,dup b,issuing1.pem\n`,
  );
  const r = await cli('serial', 'import', 'cas/bad.csv');
  t.equal(r.code, 1);
  t.match(r.err, /bad.csv: line 2: several client CAs are trusted: fill the issuer column/);
  t.match(r.err, /bad.csv: line 3: issuer: the CA in .*foreign.pem is not one of the trusted client CAs/);
  t.match(r.err, /bad.csv: line 4: issuer: --issuer "nope.pem" is neither a CA certificate file nor a SHA-256 fingerprint/);
  t.match(r.err, /bad.csv: line 6: serial 10 01 already appears on line 5/);
  t.equal(await registrationCount(redis), 0, 'nothing written');
  // --issuer fills the rows without a cell.
  writeFileSync(join(dir, 'cas', 'mixed.csv'), `serial,operator,not_after,label,issuer\n10:01,acme,2028-03-31,default,\n10:01,acme,2028-03-31,explicit,issuing1.pem\n`);
  const mixed = await cli('serial', 'import', 'cas/mixed.csv', '--issuer', fp2);
  t.equal(mixed.code, 0, mixed.err);
  t.equal(await registrationCount(redis), 2);
});
