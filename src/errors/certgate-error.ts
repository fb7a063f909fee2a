// One error type for the whole product: a stable `code`, the HTTP status it maps to, and whether
// its message may be shown to the user (`expose`). Factories below name every case.

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STORE_UNAVAILABLE'
  | 'UPSTREAM_REFUSED'
  | 'UPSTREAM_TIMEOUT'
  | 'SERIAL_INVALID'
  | 'CERT_INVALID'
  | 'CERT_UNTRUSTED_ISSUER'
  | 'CSRF_REJECTED'
  | 'BODY_TOO_LARGE'
  | 'OVERLOADED'
  | 'INTERNAL'
  | 'INPUT_INVALID'
  | 'DELIVERY_FAILED';

export class CertgateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** True when `message` is safe to show to an end user or CLI operator as is. */
  readonly expose: boolean;

  constructor(code: ErrorCode, message: string, options: { status?: number; expose?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CertgateError';
    this.code = code;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
  }
}

export const isCertgateError = (err: unknown): err is CertgateError => err instanceof CertgateError;

export const errors = {
  configInvalid: (message: string) => new CertgateError('CONFIG_INVALID', message, { expose: true }),
  usage: (message: string) => new CertgateError('USAGE', message, { status: 400, expose: true }),
  notFound: (message: string) => new CertgateError('NOT_FOUND', message, { status: 404, expose: true }),
  conflict: (message: string) => new CertgateError('CONFLICT', message, { status: 409, expose: true }),
  storeUnavailable: (cause?: unknown) =>
    new CertgateError('STORE_UNAVAILABLE', 'the store (Redis) did not answer', { status: 503, expose: false, cause }),
  upstreamRefused: (cause?: unknown) =>
    new CertgateError('UPSTREAM_REFUSED', 'the portal backend refused the connection', { status: 502, cause }),
  upstreamTimeout: (cause?: unknown) =>
    new CertgateError('UPSTREAM_TIMEOUT', 'the portal backend did not answer in time', { status: 504, cause }),
  serialInvalid: (input: string) =>
    new CertgateError(
      'SERIAL_INVALID',
      `"${input}" is not a certificate serial number; use hex digits, optionally grouped by spaces or colons (e.g. 0a:1b:2c)`,
      { status: 400, expose: true },
    ),
  certInvalid: (message: string, cause?: unknown) => new CertgateError('CERT_INVALID', message, { status: 400, expose: true, cause }),
  certUntrustedIssuer: (message: string) => new CertgateError('CERT_UNTRUSTED_ISSUER', message, { status: 400, expose: true }),
  csrfRejected: () => new CertgateError('CSRF_REJECTED', 'the form token is missing or invalid', { status: 403, expose: true }),
  bodyTooLarge: () => new CertgateError('BODY_TOO_LARGE', 'the request body is too large', { status: 413, expose: true }),
  overloaded: () => new CertgateError('OVERLOADED', 'too many logins are being processed; try again shortly', { status: 503, expose: true }),
  /** A well-formed command whose input file holds bad data (e.g. CSV rows); CLI exit 1, not 2. */
  inputInvalid: (message: string) => new CertgateError('INPUT_INVALID', message, { status: 422, expose: true }),
  /** A notification could not be delivered (CLI exit 1; it is retried with backoff). */
  deliveryFailed: (message: string) => new CertgateError('DELIVERY_FAILED', message, { status: 502, expose: true }),
  internal: (message: string, cause?: unknown) => new CertgateError('INTERNAL', message, { status: 500, expose: false, cause }),
};
