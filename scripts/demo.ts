// `npm start`: the whole demo in the foreground — dev PKI, a private Redis under var/ (unless
// REDIS_URL is set), demo operator/certificates/user seeded idempotently, the portal and the
// gateway — with the URL, the .p12 to import and the demo login printed. Ctrl-C stops all of it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import pretty from 'pino-pretty';
import { devCertsDir, packageRoot, varDir } from '../src/config/paths.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/log/logger.js';
import { generateDevPki, DEV_P12_PASSWORD } from '../src/tls/pki.js';
import { createGateway } from '../src/gateway/create.js';
import { servePortal } from '../src/portal/serve.js';
import { DEMO_API_CERT, DEMO_USER, seedDemo } from './demo-seed.js';
import { startRedisProcess, type RedisProcess } from './redis-process.js';

/** The demo's own secret, kept under var/ so sessions survive a restart of the demo. */
function demoSecret(): string {
  const file = join(varDir(), 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The curl line for the demo API certificate (a system, no login), when API routes are on. */
function apiLines(prefix: string | undefined, origin: string, certs: string): string[] {
  if (!prefix) return ['  API:          off (set CERTGATE_API_PREFIX, e.g. /api/)'];
  const c = (ext: string) => `${certs}/${DEMO_API_CERT}.${ext}`;
  return [
    `  API:          curl --cert ${c('crt')} --key ${c('key')} --cacert ${certs}/ca.crt ${origin}${prefix}v1/notices`,
    `                (${DEMO_API_CERT} is registered for API use: it opens ${prefix} only, never the login pages)`,
  ];
}

async function main(): Promise<void> {
  mkdirSync(varDir(), { recursive: true });
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' }, pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss' }));
  const certs = devCertsDir();
  generateDevPki(certs);

  let redis: RedisProcess | undefined;
  if (!process.env.REDIS_URL) redis = await startRedisProcess({ dir: join(varDir(), 'redis'), preferredPort: 6390, persist: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: process.env.REDIS_URL ?? redis!.url,
    CERTGATE_SECRET: process.env.CERTGATE_SECRET ?? demoSecret(),
    CERTGATE_LISTEN: process.env.CERTGATE_LISTEN ?? '127.0.0.1:8443',
    // The demo shows the API routes too; an operator's own deployment turns them on explicitly.
    CERTGATE_API_PREFIX: process.env.CERTGATE_API_PREFIX ?? '/api/',
  };
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await redis?.stop();
  };
  try {
    const temporaryPassword = await seedDemo(env, devCertsDir());
    const portal = await servePortal(env, logger.child({ name: 'portal' }));
    stops.push(() => portal.close());
    const config = loadConfig(env);
    const gateway = await createGateway(config, { logger });
    await gateway.listen();
    stops.push(() => gateway.close());

    const rel = (p: string) => relative(packageRoot(), p) || p;
    const host = config.listen.host === '0.0.0.0' || config.listen.host === '127.0.0.1' ? 'localhost' : config.listen.host;
    process.stdout.write(
      [
        '',
        'certgate demo is running',
        `  URL:          https://${host}:${gateway.port}/`,
        `  certificate:  import ${rel(join(certs, 'demo.p12'))} into your browser (password: ${DEV_P12_PASSWORD})`,
        `                trust ${rel(join(certs, 'ca.crt'))} as a CA for the server certificate, or accept the warning`,
        `  login:        user ID "${DEMO_USER}", temporary password "${temporaryPassword}" (you choose your own at first login)`,
        `  other certs:  ${rel(certs)}/{expired,not-yet-valid,unregistered,foreign}.p12 show the certificate error pages`,
        ...apiLines(config.api.prefix, `https://${host}:${gateway.port}`, rel(certs)),
        `  ops:          http://${config.opsListen.host}:${gateway.opsPort}/readyz  and /metrics`,
        `  store:        ${redis ? `private redis-server at ${env.REDIS_URL} (data in ${rel(join(varDir(), 'redis'))})` : env.REDIS_URL}`,
        '  Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    await stopAll();
    throw err;
  }
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping certgate demo…\n');
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((err: unknown) => {
  process.stderr.write(`certgate demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
