// `certgate operator/user … --email`, `certgate notify run|preview|status` against a real
// redis-server and a real SMTP server on loopback: output, --json, exit codes; and two
// `certgate notify run` processes racing send each mail once.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis, freePort } from '../helpers/redis-server.js';
import { cliFor } from '../helpers/cli.js';
import { startSmtpReceiver } from '../helpers/smtp-receiver.js';
import { keys } from '../../src/store/keys.js';

const server = await startRedis();
const raw = server.client();
const smtp = await startSmtpReceiver();
t.teardown(async () => {
  await smtp.close();
  await server.stop();
});
const base = { REDIS_URL: server.url, SUDO_USER: 'opsadmin' };
const cli = cliFor(base);
const mailEnv = { ...base, CERTGATE_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, CERTGATE_NOTIFY_FROM: 'certgate@portal.example.jp' };
const notify = cliFor(mailEnv);
const DAY = 86_400_000;

t.test('contacts: operator and user addresses, validated as usage errors', async (t) => {
  const bad = await cli('operator', 'add', 'E1', '--name', '東京電力量販', '--email', 'ops@e1.example.jp', '--email', 'not an address');
  t.equal(bad.code, 2);
  t.match(bad.err, /^certgate: "not an address" is not a valid operator contact address; use the form name@example.co.jp\n$/);
  t.equal(await raw.hexists(keys.operators, 'E1'), 0, 'nothing written');
  const ok = await cli('operator', 'add', 'E1', '--name', '東京電力量販', '--email', 'ops@e1.example.jp', '--email', 'it@E1.example.jp');
  t.equal(ok.code, 0, ok.err);
  t.match(ok.out, /contacts ops@e1\.example\.jp, it@e1\.example\.jp/);
  const list = (await cli('operator', 'list', '--json')).json<Array<{ id: string; emails: string[] }>>();
  t.same(list[0]!.emails, ['ops@e1.example.jp', 'it@e1.example.jp']);
  t.equal((await cli('operator', 'set-email', 'E1', 'ops@e1.example.jp')).code, 0);
  t.same((await cli('operator', 'list', '--json')).json<Array<{ emails: string[] }>>()[0]!.emails, ['ops@e1.example.jp']);
  const missing = await cli('operator', 'set-email', 'NOPE', 'a@b.example.jp');
  t.equal(missing.code, 1);
  t.match(missing.err, /operator "NOPE" does not exist/);
  t.equal((await cli('operator', 'set-email', 'E1')).code, 2, 'at least one address');

  const badUser = await cli('user', 'add', 'yamada', '--operator', 'E1', '--email', 'yamada@');
  t.equal(badUser.code, 2);
  t.match(badUser.err, /^certgate: "yamada@" is not a valid e-mail address/);
  t.equal(await raw.exists(keys.user('yamada')), 0, 'no user created');
  t.equal((await cli('user', 'add', 'yamada', '--operator', 'E1', '--role', 'operator-admin', '--email', 'yamada@e1.example.jp')).code, 0);
  t.equal((await cli('user', 'add', 'smith', '--operator', 'E1', '--lang', 'fr')).code, 2, 'unknown language is a usage error');
  t.equal((await cli('user', 'add', 'smith', '--operator', 'E1', '--lang', 'en')).code, 0);
  t.equal((await cli('user', 'set-email', 'smith', 'smith@e1.example.jp')).code, 0);
  t.equal((await cli('user', 'set-email', 'smith', 'smith.example.jp')).code, 2);
  t.equal((await cli('user', 'set-email', 'ghost', 'g@e1.example.jp')).code, 1);
  t.equal((await cli('user', 'set-lang', 'yamada', 'en')).code, 0);
  t.equal((await cli('user', 'set-lang', 'yamada', 'ja')).code, 0);
  const shown = (await cli('user', 'show', 'smith', '--json')).json<{ email: string; lang: string }>();
  t.match(shown, { email: 'smith@e1.example.jp', lang: 'en' });
  t.match((await cli('user', 'show', 'smith')).out, /email:\s+smith@e1\.example\.jp/);
  const actions = (await raw.xrange(keys.audit, '-', '+')).map(([, f]) => f[1]);
  t.ok(actions.includes('operator.set-email') && actions.includes('user.set-email'), 'changes are audited');
});

t.test('notify preview: due now and coming within N days, text and JSON', async (t) => {
  const now = Date.now();
  await raw.set(keys.registration('ISS', '0A1B'), JSON.stringify({ o: 'E1', l: '経理部 PC', na: now + 20 * DAY, at: now }));
  await raw.set(keys.registration('ISS', '0C0D'), JSON.stringify({ o: 'E1', na: now + 100 * DAY, at: now }));
  const r = await notify('notify', 'preview');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /DUE\s+STATE\s+KIND\s+STEP\s+SERIAL/);
  t.match(r.out, /due\s+expiry\s+30\s+0a 1b\s+経理部 PC\s+E1\s+\S+ \d\d:\d\d JST\s+ops@e1\.example\.jp, yamada@e1\.example\.jp/);
  t.match(r.out, /due\s+account-created\s+-\s+user smith/);
  t.notMatch(r.out, /0c 0d/, 'not due yet');
  const within = (await notify('notify', 'preview', '--within', '90d', '--json')).json<Array<{ state: string; step: number | string; serial: string | null; recipients: string[] }>>();
  const certRows = within.filter((w) => w.serial !== null).map((w) => `${w.state} ${w.step} ${w.serial}`);
  t.same(
    certRows,
    ['due 30 0a 1b', 'scheduled 14 0a 1b', 'scheduled 90 0c 0d', 'scheduled 7 0a 1b', 'scheduled 1 0a 1b', 'scheduled expired 0a 1b', 'scheduled 60 0c 0d', 'scheduled 30 0c 0d', 'scheduled 14 0c 0d'],
    'in date order',
  );
  t.same(within.find((w) => w.state === 'due' && w.serial)!.recipients, ['ops@e1.example.jp', 'yamada@e1.example.jp']);
  t.equal((await notify('notify', 'preview', '--within', '5')).code, 0);
  const bad = await notify('notify', 'preview', '--within', 'soon');
  t.equal(bad.code, 2);
  t.match(bad.err, /^certgate: --within "soon" must be a number of days from 0 to 3650, e\.g\. 90 or 90d\n$/);
});

t.test('notify run: no channel is exit 1; a pass sends once; status shows it', async (t) => {
  const none = await cli('notify', 'run');
  t.equal(none.code, 1);
  t.match(none.err, /^certgate: no notification channel is configured; set CERTGATE_SMTP_URL/);
  const badConfig = await cliFor({ ...base, CERTGATE_SMTP_URL: 'smtp://127.0.0.1:1' })('notify', 'run');
  t.equal(badConfig.code, 1);
  t.match(badConfig.err, /CERTGATE_NOTIFY_FROM is required with CERTGATE_SMTP_URL/);
  const run = await notify('notify', 'run');
  t.equal(run.code, 0, run.err);
  t.match(run.out, /notification pass: 4 sent, 0 failed \(retried later\), 0 given up, 0 deferred to tomorrow; 4 mail\(s\), 0 webhook call\(s\)/);
  t.same(smtp.mails.map((m) => `${m.to[0]} ${m.subject}`).sort(), [
    'ops@e1.example.jp [certgate] クライアント証明書の有効期限が近づいています（1件、最短あと20日）',
    'smith@e1.example.jp [certgate] Your account was created',
    'yamada@e1.example.jp [certgate] アカウントが作成されました',
    'yamada@e1.example.jp [certgate] クライアント証明書の有効期限が近づいています（1件、最短あと20日）',
  ]);
  const again = await notify('notify', 'run', '--json');
  t.match(again.json(), { ran: true, sent: 0, mails: 0 });
  const preview = await notify('notify', 'preview');
  t.match(preview.out, /nothing to send now/);
  const status = await notify('notify', 'status');
  t.equal(status.code, 0);
  t.match(status.out, /channels:\s+mail/);
  t.match(status.out, /failing:\s+none/);
  t.match(status.out, /sent\s+mail\s+ops@e1\.example\.jp\s+expiry/);
  t.match((await notify('notify', 'status', '--json')).json(), { lease: null, failing: [], lastPass: { sent: 0 }, pendingEvents: 0 });
});

t.test('notify run: SMTP down is exit 1 and visible in status', async (t) => {
  // Reminders for today already went to ops and yamada (one per day); password resets are not held back.
  t.equal((await cli('user', 'reset-password', 'smith')).code, 0);
  t.equal((await cli('user', 'reset-password', 'yamada')).code, 0);
  const down = await cliFor({ ...mailEnv, CERTGATE_SMTP_URL: `smtp://127.0.0.1:${await freePort()}` })('notify', 'run');
  t.equal(down.code, 1);
  t.match(down.err, /^certgate: 2 delivery\(ies\) failed; see `certgate notify status`/);
  const s = await notify('notify', 'status');
  t.match(s.out, /pending:\s+2 account notice\(s\) not yet delivered everywhere/);
  t.match(s.out, /failing:\s+2 waiting for a retry, 0 given up/);
  t.match(s.out, /failed\s+password-reset\s+smith@e1\.example\.jp\s+1\s+\S+/);
  t.match(s.out, /ECONNREFUSED/);
  const j = (await notify('notify', 'status', '--json')).json<{ failing: Array<{ state: string; attempts: number }> }>();
  t.same(j.failing.map((f) => [f.state, f.attempts]), [['failed', 1], ['failed', 1]]);
});

const bin = join(import.meta.dirname, '../../bin/certgate.js');
const built = existsSync(join(import.meta.dirname, '../../dist/src/cli/main.js'));

t.test('two `certgate notify run` processes racing: each mail once', { skip: built ? false : 'needs the build (npm run build)' }, async (t) => {
  for (const u of ['u1', 'u2', 'u3']) t.equal((await cli('user', 'add', u, '--operator', 'E1', '--email', `${u}@e1.example.jp`)).code, 0);
  await raw.del(keys.notifyLease);
  const before = smtp.mails.length;
  const runOne = () =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'notify', 'run'], { env: { PATH: process.env.PATH, ...mailEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      child.once('exit', (code) => resolve({ code, out }));
    });
  const results = await Promise.all([runOne(), runOne(), runOne()]);
  const fresh = smtp.mails.slice(before).filter((m) => /アカウントが作成されました/.test(m.subject));
  t.same(fresh.map((m) => m.to[0]).sort(), ['u1@e1.example.jp', 'u2@e1.example.jp', 'u3@e1.example.jp'], `one mail per recipient: ${results.map((r) => r.out).join(' | ')}`);
  t.ok(results.every((r) => r.code === 0), 'every process exits 0 (sent, or found the lease taken)');
});

t.test('operator list shows contacts once there are some', async (t) => {
  const out = (await cli('operator', 'list')).out;
  t.match(out, /^OPERATOR\s+NAME\s+CREATED \(JST\)\s+CONTACTS\nE1\s+東京電力量販\s+\d{4}-\d\d-\d\d\s+ops@e1\.example\.jp\n/);
});

t.test('store unreachable: exit 1, one line, for every notify command', async (t) => {
  const dead = cliFor({ ...mailEnv, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  for (const args of [['notify', 'run'], ['notify', 'preview'], ['notify', 'status']]) {
    const r = await dead(...args);
    t.equal(r.code, 1, args.join(' '));
    t.match(r.err, /^certgate: the store at redis:\/\/127\.0\.0\.1:\d+\/? did not answer \(REDIS_URL\); start redis-server or set REDIS_URL to the right address\n$/);
  }
});
