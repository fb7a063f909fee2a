// The CLI is safe to read: control characters and bidi overrides in stored data and echoed arguments
// are escaped in human output (--json stays exact), and a .p12 password need not be on the command line.
import t from 'tap';
import { run } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { cliFor } from '../helpers/cli.js';
import { testPki } from '../helpers/pki.js';
import { startRedis } from '../helpers/redis-server.js';

const pki = testPki();
const server = await startRedis();
t.teardown(() => server.stop());
const env = { REDIS_URL: server.url, CERTGATE_CLIENT_CA: pki.file('ca.crt') };
const cli = cliFor(env);
const ESC = '\u001b';
const RLO = '\u202e';

t.test('stored names and labels with control characters are escaped in tables, exact in --json', async (t) => {
  t.equal((await cli('operator', 'add', 'E1', '--name', `Evil${ESC}[2J${ESC}]0;pwned\u0007 Co`)).code, 0);
  t.equal((await cli('serial', 'add', '0a:1b', '--operator', 'E1', '--label', `PC ${RLO}gpj.exe\nnext line`)).code, 0);
  const ops = await cli('operator', 'list');
  t.notMatch(ops.out, ESC, 'no raw escape character reaches the terminal');
  t.notMatch(ops.out, '\u0007');
  t.match(ops.out, 'Evil\\x1b[2J\\x1b]0;pwned\\x07 Co');
  const serials = await cli('serial', 'list');
  t.notMatch(serials.out, RLO);
  t.match(serials.out, 'PC \\u202egpj.exe\\x0anext line', 'bidi override and newline visible, the row stays one line');
  t.equal(serials.out.trim().split('\n').length, 2, 'header and one row');
  const json = await cli('serial', 'list', '--json');
  t.equal((json.json<Array<{ label: string }>>())[0]?.label, `PC ${RLO}gpj.exe\nnext line`, '--json is exact');
});

t.test('echoed arguments in error lines are escaped', async (t) => {
  const bad = await cli('serial', 'add', `0a${ESC}[31mzz`, '--operator', 'E1');
  t.equal(bad.code, 2);
  t.notMatch(bad.err, ESC);
  t.match(bad.err, '\\x1b[31m');
  t.equal(bad.err.split('\n').filter(Boolean).length, 1);
});

t.test('the .p12 password from CERTGATE_P12_PASSWORD, --password-stdin or a prompt', async (t) => {
  const file = pki.file('demo.p12');
  const viaEnv = await cliFor({ ...env, CERTGATE_P12_PASSWORD: pki.password })('serial', 'add', '--cert', file, '--operator', 'E1', '--replace');
  t.equal(viaEnv.code, 0, viaEnv.err);
  const stdinIo = memoryIo(env, { stdin: `${pki.password}\n` });
  t.equal(await run(['serial', 'add', '--cert', file, '--operator', 'E1', '--replace', '--password-stdin'], stdinIo), 0, stdinIo.err());
  const promptIo = memoryIo(env, { prompt: pki.password });
  t.equal(await run(['serial', 'add', '--cert', file, '--operator', 'E1', '--replace'], promptIo), 0, promptIo.err());
  t.match(promptIo.err(), 'PKCS#12 password: ', 'asked on the terminal');
  const wrongIo = memoryIo(env, { prompt: 'nope' });
  t.equal(await run(['serial', 'add', '--cert', file, '--operator', 'E1', '--replace'], wrongIo), 1);
  t.match(wrongIo.err(), /wrong password for the PKCS#12 file/);
  const both = await cli('serial', 'add', '--cert', file, '--operator', 'E1', '--password', 'x', '--password-stdin');
  t.equal(both.code, 2);
});
