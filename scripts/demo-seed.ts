// The demo's data, seeded through the CLI itself and idempotently: the DEMO operator, the demo and
// demo-ec certificates (web), the demo-api certificate (api), and the demo user with a fresh
// temporary password on every start.
import { join } from 'node:path';
import { run } from '../src/cli/main.js';
import { memoryIo } from '../src/cli/io.js';

export const DEMO_OPERATOR = 'DEMO';
export const DEMO_USER = 'demo';
/** The certificate the demo registers for API use (certs-dev/demo-api.{crt,key,p12}). */
export const DEMO_API_CERT = 'demo-api';

/** Run a CLI command in-process; returns its stdout, throws with its stderr unless `allow` lists the exit code. */
async function cli(env: NodeJS.ProcessEnv, args: string[], allow: number[] = [0]): Promise<string> {
  const io = memoryIo(env);
  const code = await run(args, io);
  if (!allow.includes(code)) throw new Error(`certgate ${args.join(' ')} failed (exit ${code}): ${io.err().trim()}`);
  return io.out();
}

/** Seeds (or re-seeds) the demo data; returns the demo user's new temporary password. */
export async function seedDemo(env: NodeJS.ProcessEnv, certsDir: string): Promise<string> {
  // Data written by an older version (one-slot registry) moves to per-certificate keys first.
  await cli(env, ['store', 'migrate']);
  const operators = JSON.parse(await cli(env, ['operator', 'list', '--json'])) as Array<{ id: string }>;
  if (!operators.some((o) => o.id === DEMO_OPERATOR)) {
    await cli(env, ['operator', 'add', DEMO_OPERATOR, '--name', 'デモ電力株式会社']);
  }
  for (const name of ['demo', 'demo-ec']) {
    // Exit 1 means "already registered": the state we want.
    await cli(env, ['serial', 'add', '--cert', join(certsDir, `${name}.crt`), '--operator', DEMO_OPERATOR, '--label', `${name} (dev)`], [0, 1]);
  }
  await cli(
    env,
    ['serial', 'add', '--cert', join(certsDir, `${DEMO_API_CERT}.crt`), '--operator', DEMO_OPERATOR, '--usage', 'api', '--label', 'demo system (API, dev)'],
    [0, 1],
  );
  const users = JSON.parse(await cli(env, ['user', 'list', '--json'])) as Array<{ userId: string }>;
  const args = users.some((u) => u.userId === DEMO_USER)
    ? ['user', 'reset-password', DEMO_USER, '--json']
    : ['user', 'add', DEMO_USER, '--operator', DEMO_OPERATOR, '--name', 'デモ 太郎', '--role', 'operator-admin', '--json'];
  const { temporaryPassword } = JSON.parse(await cli(env, args)) as { temporaryPassword: string };
  // A demo user locked by earlier experiments would make the printed login useless.
  await cli(env, ['user', 'unlock', DEMO_USER], [0, 1]);
  return temporaryPassword;
}
