// Two `certgate serve` processes (the compiled CLI, as operators run it) against one store and one
// SMTP server: one holds the sender lease and sends, the other waits; each notice is mailed once,
// and when the sender stops, the other takes over without repeating anything.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testPki } from '../helpers/pki.js';
import { freePort, startRedis } from '../helpers/redis-server.js';
import { startSmtpReceiver } from '../helpers/smtp-receiver.js';
import { startUpstreamStub } from '../helpers/upstream-stub.js';
import { TEST_SECRET } from '../helpers/stack.js';
import { createRedis, connectRedis } from '../../src/store/redis.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { Registry } from '../../src/registry/registry.js';
import { UserStore } from '../../src/users/user-store.js';
import { keys } from '../../src/store/keys.js';
import { PasswordHasher } from '../../src/users/password-hasher.js';

const bin = join(import.meta.dirname, '../../bin/certgate.js');
const built = existsSync(join(import.meta.dirname, '../../dist/src/cli/main.js'));

interface Gateway {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  opsPort: number;
}

t.test('two gateways, one sender, each notice once', { skip: built ? false : 'needs the build (npm run build)' }, async (t) => {
  const pki = testPki();
  const redisServer = await startRedis();
  const smtp = await startSmtpReceiver();
  const upstream = await startUpstreamStub();
  t.teardown(async () => {
    await upstream.close();
    await smtp.close();
    await redisServer.stop();
  });
  const redis = createRedis(redisServer.url);
  await connectRedis(redis);
  t.teardown(() => redis.disconnect());
  const audit = new AuditLog(redis);
  const registry = new Registry(redis, audit);
  const users = new UserStore(redis, audit, new PasswordHasher());
  const by = { actor: 'test', source: 'cli' as const };
  await registry.operators.add('E1', 'Operator One', by, ['ops@e1.example.jp']);
  await registry.add({ issuerId: pki.ca.id, serial: '0A1B', operatorId: 'E1', addedAt: 0, notAfter: Date.now() + 30 * 86_400_000 }, { by });
  await users.create({ userId: 'newbie', operatorId: 'E1', email: 'newbie@e1.example.jp' }, by);

  const start = async (): Promise<Gateway> => {
    const opsPort = await freePort();
    const child = spawn(process.execPath, [bin, 'serve'], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: redisServer.url,
        CERTGATE_LISTEN: `127.0.0.1:${await freePort()}`,
        CERTGATE_OPS_LISTEN: `127.0.0.1:${opsPort}`,
        CERTGATE_TLS_CERT: pki.file('server.crt'),
        CERTGATE_TLS_KEY: pki.file('server.key'),
        CERTGATE_CLIENT_CA: pki.file('ca.crt'),
        CERTGATE_UPSTREAM: upstream.url,
        CERTGATE_SECRET: TEST_SECRET,
        CERTGATE_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        CERTGATE_NOTIFY_FROM: 'certgate@portal.example.jp',
        CERTGATE_NOTIFY_INTERVAL: '1s',
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: Array<Record<string, unknown>> = [];
    let rest = '';
    child.stdout!.on('data', (b: Buffer) => {
      rest += b.toString();
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) if (p.trim().startsWith('{')) lines.push(JSON.parse(p) as Record<string, unknown>);
    });
    // 'close', not 'exit': stdout is fully read by then (the logs are checked at the end).
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    return { child, lines, exited, opsPort };
  };
  const passes = (l: Array<Record<string, unknown>>) => l.filter((x) => x.msg === 'notification pass done').length;
  const waits = (l: Array<Record<string, unknown>>) => l.filter((x) => x.msg === 'notification lease held by another instance').length;
  // Every pass writes its summary to the store: count them through keyspace notifications (the
  // gateways' own log lines arrive late, through a 4 KiB buffer).
  await redis.config('SET', 'notify-keyspace-events', 'Kh');
  const sub = createRedis(redisServer.url);
  await connectRedis(sub);
  t.teardown(() => sub.disconnect());
  let passCount = 0;
  const passWaiters: Array<{ n: number; resolve: () => void }> = [];
  sub.on('message', () => {
    passCount++;
    for (const w of passWaiters.splice(0)) {
      if (passCount >= w.n) w.resolve();
      else passWaiters.push(w);
    }
  });
  await sub.subscribe(`__keyspace@0__:${keys.notifyState}`);
  const passesSeen = (n: number) => (passCount >= n ? Promise.resolve() : new Promise<void>((resolve) => passWaiters.push({ n, resolve })));
  const holderPid = async () => Number((await redis.get(keys.notifyLease))?.split(':')[1]);

  const [a, b] = await Promise.all([start(), start()]);
  await smtp.waitFor(2);
  await passesSeen(3);
  t.same(smtp.mails.map((m) => m.to[0]).sort(), ['newbie@e1.example.jp', 'ops@e1.example.jp'], 'each notice mailed once over three passes');
  const [holder, other] = (await holderPid()) === a.child.pid ? [a, b] : [b, a];
  t.equal(await holderPid(), holder.child.pid, 'one of the two holds the lease');
  const metrics = await fetch(`http://127.0.0.1:${holder.opsPort}/metrics`).then((r) => r.text());
  t.match(metrics, /certgate_notifications_total\{kind="expiry",outcome="sent"\} 1\n/);
  t.match(metrics, /certgate_notifications_total\{kind="account-created",outcome="sent"\} 1\n/);

  holder.child.kill('SIGTERM');
  t.equal(await holder.exited, 0, 'the sender stops cleanly and gives the lease back');
  await users.resetPassword('newbie', by);
  await smtp.waitFor(3);
  const after = passCount;
  await passesSeen(after + 2);
  t.equal(await holderPid(), other.child.pid, 'the other instance took the lease over');
  t.same(smtp.mails.map((m) => m.to[0]).sort(), ['newbie@e1.example.jp', 'newbie@e1.example.jp', 'ops@e1.example.jp'], 'only the new notice went out');
  t.match(smtp.mails.at(-1)!.subject, /仮パスワードが発行されました/);
  other.child.kill('SIGTERM');
  t.equal(await other.exited, 0);
  // Both logs are complete now (flushed at exit): the second instance had been waiting, not sending.
  t.ok(passes(holder.lines) >= 3, 'the first holder logged its passes');
  t.ok(waits(other.lines) >= 1, 'the other found the lease taken before the takeover');
  t.ok(passes(other.lines) >= 2, 'and sent after it');
});
