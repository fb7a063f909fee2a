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

/** How long a log line may wait in the buffer: an operator watching `certgate serve` sees it at once. */
export const LOG_FLUSH_INTERVAL_MS = 250;

/**
 * Buffered, asynchronous stdout for the serving processes: a request never waits on a write(2),
 * and a timer flushes the buffer every LOG_FLUSH_INTERVAL_MS so quiet periods (start-up, "redis not
 * reachable") still reach the terminal or the log collector within a fraction of a second.
 * The buffer is flushed synchronously at exit.
 */
export function stdoutDestination(intervalMs = LOG_FLUSH_INTERVAL_MS): ReturnType<typeof pino.destination> {
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => {
    try {
      dest.flush();
    } catch {
      // a flush already in progress: the next tick writes it
    }
  }, intervalMs);
  timer.unref();
  process.once('exit', () => {
    clearInterval(timer);
    dest.flushSync();
  });
  return dest;
}
