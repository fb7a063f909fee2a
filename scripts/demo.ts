// `npm start`: the whole demo in the foreground — dev PKI, a private Redis under var/ (unless
// REDIS_URL is set), demo operator/certificates/user seeded idempotently, the portal and the
// gateway — with the URL, the .p12 to import and the demo login printed. Ctrl-C stops all of it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import pretty from 'pino-pretty';
import { devCertsDir, packageRoot, varDir } from '../src/config/paths.js';
import { loadConfig, type Config } from '../src/config/config.js';
import { parseHostPort } from '../src/config/schema.js';
import { createLogger } from '../src/log/logger.js';
import { generateDevPki, DEV_P12_PASSWORD } from '../src/tls/dev-pki.js';
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

/** Where the demo listens unless told otherwise (README "Quick start"). */
const DEMO_LISTEN = '127.0.0.1:8443';
const DEMO_PORTAL_LISTEN = '127.0.0.1:3000';

/** The certificates besides demo/demo-ec and the screen each one shows. */
const OTHER_CERTS: ReadonlyArray<[string, string]> = [
  ['demo-ec', 'ECDSA key, registered: logs in like demo.p12'],
  ['expired', 'expired (cert-expired)'],
  ['not-yet-valid', 'start date ahead (cert-not-yet-valid)'],
  ['unregistered', 'trusted but not registered (cert-unregistered)'],
  ['foreign', 'from a CA the gateway does not trust (cert-untrusted)'],
];

/** http://host:port of a listener address (0.0.0.0 and :: are reached on loopback). */
function upstreamFor(listen: string): string {
  const parsed = parseHostPort(listen);
  if (!parsed) return `http://${listen}`;
  const host = parsed.host === '0.0.0.0' || parsed.host === '' ? '127.0.0.1' : parsed.host === '::' ? '[::1]' : parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
  return `http://${host}:${parsed.port}`;
}

/** A busy port becomes one sentence naming the variable that moves it. */
function explainBusyPort(variable: string | undefined, value: string | undefined, config?: Config) {
  return (err: unknown): never => {
    const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
    if (e?.code !== 'EADDRINUSE') throw err;
    let name = variable;
    let current = value;
    if (!name && config) {
      if (e.port === config.opsListen.port) [name, current] = ['CERTGATE_OPS_LISTEN', `${config.opsListen.host}:${config.opsListen.port}`];
      else [name, current] = ['CERTGATE_LISTEN', `${config.listen.host}:${config.listen.port}`];
    }
    const host = parseHostPort(current ?? '')?.host ?? '127.0.0.1';
    throw new Error(
      `${current ?? `port ${e.port}`} is already in use by another program; set ${name ?? 'CERTGATE_LISTEN'} to a free address, ` +
        `e.g. ${name ?? 'CERTGATE_LISTEN'}=${host.includes(':') ? `[${host}]` : host}:${(e.port ?? 8000) + 10} npm start`,
    );
  };
}

async function main(): Promise<void> {
  mkdirSync(varDir(), { recursive: true });
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' }, pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss' }));
  const certs = devCertsDir();
  generateDevPki(certs);

  let redis: RedisProcess | undefined;
  if (!process.env.REDIS_URL) redis = await startRedisProcess({ dir: join(varDir(), 'redis'), preferredPort: 6390, persist: true });
  const portalListen = process.env.CERTGATE_PORTAL_LISTEN || DEMO_PORTAL_LISTEN;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: process.env.REDIS_URL ?? redis!.url,
    CERTGATE_SECRET: process.env.CERTGATE_SECRET ?? demoSecret(),
    CERTGATE_LISTEN: process.env.CERTGATE_LISTEN || DEMO_LISTEN,
    CERTGATE_PORTAL_LISTEN: portalListen,
    // The gateway proxies to the demo's own portal, wherever CERTGATE_PORTAL_LISTEN put it.
    CERTGATE_UPSTREAM: process.env.CERTGATE_UPSTREAM || upstreamFor(portalListen),
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
    const portal = await servePortal(env, logger.child({ name: 'portal' })).catch(explainBusyPort('CERTGATE_PORTAL_LISTEN', portalListen));
    stops.push(() => portal.close());
    const config = loadConfig(env);
    const gateway = await createGateway(config, { logger });
    stops.push(() => gateway.close());
    await gateway.listen().catch(explainBusyPort(undefined, undefined, config));

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
        `  other certs:  same password; besides demo-ec each shows one certificate error page:`,
        ...OTHER_CERTS.map(([name, what]) => `                ${rel(join(certs, `${name}.p12`))}  ${what}`),
        `                ${rel(join(certs, 'revoked.p12'))}  revoked (cert-revoked) when started with CERTGATE_CRL=${rel(join(certs, 'crl.pem'))}` +
          (config.tls.crlFile ? ' (set)' : ''),
        ...apiLines(config.api.prefix, `https://${host}:${gateway.port}`, rel(certs)),
        `  portal:       http://${config.portalListen.host}:${config.portalListen.port} (CERTGATE_PORTAL_LISTEN), reached only through the gateway`,
        `  ops:          http://${config.opsListen.host}:${gateway.opsPort}/readyz  and /metrics`,
        `  store:        ${redis ? `private redis-server at ${env.REDIS_URL} (data in ${rel(join(varDir(), 'redis'))})` : env.REDIS_URL}`,
        '  Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    // Bounded: a listener that never opened must not keep the demo from reporting why.
    await Promise.race([stopAll(), new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
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
