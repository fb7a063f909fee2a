// /auth/admin/certificates: the operator's registrations with serial as browsers print it, usage, dates,
// days left and state, sorted by expiry either way, a CSV download that is safe in a spreadsheet, and
// expired ones preselected for a removal application. Also the pages in English.
import t from 'tap';
import { keys } from '../../src/store/keys.js';
import { displaySerial } from '../../src/tls/serial.js';
import { OPERATOR, startStack, type Stack } from '../helpers/stack.js';
import { userSession } from '../helpers/admin.js';

const DAY = 86_400_000;
let stack: Stack;
let admin: string;
let issuerId: string;

t.before(async () => {
  stack = await startStack({ register: ['demo'] });
  await stack.redis.client().hset(keys.operators, 'OTHER', JSON.stringify({ name: 'Other', createdAt: Date.now() }));
  admin = await userSession(stack, 'demo', 'adm', OPERATOR, ['operator-admin']);
  issuerId = stack.pki.trustedCas[0]!.id;
  const reg = stack.gateway.deps.registry;
  const now = Date.now();
  await reg.add({ issuerId, serial: '0A0B01', operatorId: OPERATOR, notAfter: now - 10 * DAY, label: '=HYPERLINK("x")', addedAt: now });
  await reg.add({ issuerId, serial: '0A0B02', operatorId: OPERATOR, notAfter: now + 30 * DAY, notBefore: now - DAY, label: '総務部, 端末', addedAt: now });
  await reg.add({ issuerId, serial: '0A0B03', operatorId: 'OTHER', notAfter: now + 5 * DAY, addedAt: now });
});
t.teardown(() => stack.close());

t.test('the page lists the operator\'s certificates by expiry with days left and state', async (t) => {
  const res = await stack.request('demo', '/auth/admin/certificates', { cookie: admin });
  t.equal(res.status, 200);
  t.equal(res.page, 'admin-certificates');
  t.match(res.body, displaySerial('0A0B01'), 'serial as browsers print it');
  t.notMatch(res.body, /0A0B03|0a 0b 03/, 'another operator\'s certificate is absent');
  const order = [...res.body.matchAll(/data-serial="[0-9a-f]+:([0-9A-F]+)" data-state="([a-z-]+)"/g)].map((m) => [m[1], m[2]]);
  t.same(order.slice(0, 2), [['0A0B01', 'expired'], ['0A0B02', 'active']], 'soonest expiry first');
  t.match(res.body, /29 日|30 日/);
  const desc = await stack.request('demo', '/auth/admin/certificates?sort=expiry&order=desc', { cookie: admin });
  const first = /data-serial="[0-9a-f]+:([0-9A-F]+)"/.exec(desc.body)?.[1];
  t.not(first, '0A0B01', 'descending puts the expired one last');
  t.notMatch(res.body, /value="[^"]+:0A0B01" id="sel-0" checked/, 'nothing preselected by default');
  const sel = await stack.request('demo', '/auth/admin/certificates?select=expired', { cookie: admin });
  t.match(sel.body, new RegExp(`value="${issuerId}:0A0B01"[^>]*checked`), 'expired ones preselected for removal');
  t.notMatch(sel.body, new RegExp(`value="${issuerId}:0A0B02"[^>]*checked`));
});

t.test('CSV download: UTF-8 with BOM, one row per certificate, formulas neutralised', async (t) => {
  const res = await stack.request('demo', '/auth/admin/certificates?format=csv', { cookie: admin });
  t.equal(res.status, 200);
  t.match(res.headers['content-type'], /^text\/csv/);
  t.match(res.headers['content-disposition'], /attachment; filename="certificates-DEMO.csv"/);
  t.ok(res.body.startsWith('\uFEFFserial,issuer,usage,label,not_before,not_after,days_left,state\r\n'));
  t.match(res.body, /0A0B01,[0-9a-f]+,web,"'=HYPERLINK\(""x""\)",,\d{4}-/, 'a formula is quoted and prefixed');
  t.match(res.body, /0A0B02,[0-9a-f]+,web,"総務部, 端末",/);
  t.notMatch(res.body, /0A0B03/);
});

t.test('English pages with ?lang=en', async (t) => {
  const res = await stack.request('demo', '/auth/admin/users?lang=en', { cookie: admin });
  t.match(res.body, /<html lang="en"/);
  t.match(res.body, /User management/);
  const certs = await stack.request('demo', '/auth/admin/certificates?lang=en', { cookie: admin });
  t.match(certs.body, /Download CSV/);
  t.match(certs.body, /action="\/auth\/admin\/applications\?lang=en"/, 'forms keep the language');
});
