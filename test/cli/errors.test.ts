// CLI conventions: exit 0/1/2, one stderr line `certgate: …; how to fix`, store outage naming
// REDIS_URL, help and version, and the compiled bin (when dist/ exists).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { packageRoot } from '../../src/config/paths.js';
import { freePort } from '../helpers/redis-server.js';
import { cliFor } from '../helpers/cli.js';

const port = await freePort();
// Nothing listens on this port: store unreachable.
const cli = cliFor({ REDIS_URL: `redis://:s3cret@127.0.0.1:${port}`, CERTGATE_CLIENT_CA: '/nonexistent/ca.crt' });

const oneLine = (s: string) => s.endsWith('\n') && !s.slice(0, -1).includes('\n') && s.startsWith('certgate: ');

t.test('usage errors exit 2 with one line', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['serial', 'add', '0a', '--operator', 'x', '--frobnicate'], /unknown option '--frobnicate'; run `certgate serial add --help` for usage/],
    [['serial', 'add', '0a'], /required option '--operator <id>' not specified/],
    [['serial', 'add', 'xyz', '--operator', 'acme'], /"xyz" is not a certificate serial number/],
    [['serial', 'add', '0a', '--operator', 'acme', '--not-after', '2027-13-01'], /--not-after "2027-13-01" is not a date; use YYYY-MM-DD/],
    [['serial', 'add', '--operator', 'acme'], /give the certificate serial .* or --cert <file>/],
    [['serial', 'lsit'], /unknown command 'lsit' \(did you mean list\?\)/],
    [['serial'], /certgate serial needs a subcommand; run `certgate serial --help`/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['operator', 'list', 'extra'], /too many arguments/],
    [[], /no command given; run `certgate --help`/],
    [['serial', 'remove'], /missing required argument 'serial'/],
  ];
  for (const [args, pattern] of cases) {
    const r = await cli(...args);
    t.equal(r.code, 2, args.join(' '));
    t.ok(oneLine(r.err), `one line: ${JSON.stringify(r.err)}`);
    t.match(r.err, pattern);
    t.equal(r.out, '', 'nothing on stdout');
  }
});

t.test('store unreachable: exit 1 naming REDIS_URL, password masked', async (t) => {
  for (const args of [['operator', 'list'], ['serial', 'list', '--json'], ['audit', 'list']]) {
    const r = await cli(...args);
    t.equal(r.code, 1);
    t.ok(oneLine(r.err), r.err);
    t.match(r.err, new RegExp(`the store at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/? did not answer \\(REDIS_URL\\); start redis-server or set REDIS_URL`));
    t.notMatch(r.err, /s3cret/);
    t.equal(r.out, '');
  }
  const bad = await cliFor({ REDIS_URL: 'http://x' })('operator', 'list');
  t.equal(bad.code, 1);
  t.match(bad.err, /REDIS_URL must start with redis:\/\/ or rediss:\/\//);
});

t.test('missing trusted CA file names CERTGATE_CLIENT_CA', async (t) => {
  const r = await cli('serial', 'add', '0a', '--operator', 'acme');
  t.equal(r.code, 1);
  t.match(r.err, /cannot read the trusted client CA file \/nonexistent\/ca\.crt .*CERTGATE_CLIENT_CA/);
});

t.test('help and version exit 0 on stdout', async (t) => {
  const help = await cli('--help');
  t.equal(help.code, 0);
  t.match(help.out, /Usage: certgate/);
  for (const c of ['serve', 'portal', 'operator', 'serial', 'audit']) t.match(help.out, new RegExp(`\\n  ${c}\\b`));
  const sub = await cli('serial', 'add', '--help');
  t.equal(sub.code, 0);
  t.match(sub.out, /--not-after <YYYY-MM-DD>/);
  const v = await cli('--version');
  t.equal(v.code, 0);
  t.match(v.out, /^\d+\.\d+\.\d+\n$/);
});

const bin = join(packageRoot(), 'bin', 'certgate.js');
const built = existsSync(join(packageRoot(), 'dist', 'src', 'cli', 'main.js'));
t.test('compiled bin', { skip: built ? false : 'dist/ not built (run `npm run build`); the in-process tests cover the same code' }, async (t) => {
  const r = spawnSync(process.execPath, [bin, 'serial', 'add', '0a', '--operator', 'x', '--bogus'], { encoding: 'utf8', env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}` } });
  t.equal(r.status, 2);
  t.match(r.stderr, /^certgate: unknown option '--bogus'; run `certgate serial add --help` for usage\n$/);
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  t.equal(help.status, 0);
  t.match(help.stdout, /Usage: certgate/);
  const down = spawnSync(process.execPath, [bin, 'operator', 'list'], { encoding: 'utf8', env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}` } });
  t.equal(down.status, 1, 'exits (no dangling handles) with status 1');
  t.match(down.stderr, /did not answer \(REDIS_URL\)/);
});

t.test('settings come from src/config: a mistyped value names its variable instead of becoming the default', async (t) => {
  for (const [name, value, args] of [
    ['CERTGATE_SINGLE_LOGIN', 'rejct', ['session', 'list']],
    ['CERTGATE_SESSION_IDLE_TIMEOUT', '30 minutes', ['session', 'list']],
    ['CERTGATE_ARGON2_MEMORY_KIB', '1024', ['user', 'list']],
    ['CERTGATE_AUDIT_MAXLEN', 'lots', ['audit', 'list']],
  ] as const) {
    const r = await cliFor({ REDIS_URL: `redis://127.0.0.1:${port}`, [name]: value })(...args);
    t.equal(r.code, 1, `${name}=${value}`);
    t.match(r.err, new RegExp(`^certgate: ${name} `), name);
    t.equal(r.err.split('\n').filter(Boolean).length, 1, 'one stderr line');
    t.equal(r.out, '');
  }
});
