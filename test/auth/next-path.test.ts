// The `next` sanitiser: same-origin paths pass, every open-redirect trick becomes "/".
import t from 'tap';
import { safeNextPath } from '../../src/kernel/next-path.js';

t.test('same-origin paths survive', async (t) => {
  for (const ok of ['/', '/auction', '/notices/12?page=2', '/registration/a%20b', '/me', '/auth/password', '/a/./b']) {
    t.equal(safeNextPath(ok), ok === '/a/./b' ? '/a/b' : ok, ok);
  }
});

t.test('open-redirect variants go to /', async (t) => {
  const evil = [
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '\\/evil.example',
    'https:evil.example',
    'https://evil.example',
    'http:/evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,x',
    'evil.example',
    '/%2F%2Fevil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%252F%252Fevil.example',
    '/%0d%0aSet-Cookie:x=1',
    '/\r\nLocation: https://evil.example',
    '/%09/evil.example',
    '/\t/evil.example',
    '/ /evil.example',
    ' /auction',
    '/%E0%A4%A',
    '/auth/login',
    '/auth/logout?x=1',
    '/x'.repeat(2000),
    '',
  ];
  for (const value of evil) t.equal(safeNextPath(value), '/', JSON.stringify(value).slice(0, 50));
  t.equal(safeNextPath(undefined), '/');
  t.equal(safeNextPath(['/a', '/b']), '/');
});
