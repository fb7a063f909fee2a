// pino logger with redaction of every secret-bearing field (passwords, cookies, assertions, hashes).
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  '*.password',
  'currentPassword',
  '*.currentPassword',
  'newPassword',
  '*.newPassword',
  'confirmPassword',
  '*.confirmPassword',
  'temporaryPassword',
  '*.temporaryPassword',
  'hash',
  '*.hash',
  'req.headers.cookie',
  'req.headers["x-certgate-assertion"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers["x-certgate-assertion"]',
  'cookie',
  'secret',
  '*.secret',
];

export function createLogger(options: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  const opts = {
    name: options.name ?? 'certgate',
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(opts, destination) : pino(opts);
}

/**
 * Buffered, asynchronous stdout for the serving processes: a request never waits on a write(2).
 * `flush()` before exit writes what is still buffered.
 */
export function stdoutDestination(): ReturnType<typeof pino.destination> {
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  process.once('exit', () => dest.flushSync());
  return dest;
}
