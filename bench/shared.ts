// Names the bench's processes agree on (entry scripts import these; they must not import each other).

/** data-page of the upstream stand-in's page: a proxied request reached the backend. */
export const UPSTREAM_MARKER = 'certgate-bench-upstream';

/** Headers nginx passes to the auth stand-in (values of $ssl_client_serial and $ssl_client_i_dn). */
export const AUTH_SERIAL_HEADER = 'x-bench-client-serial';
export const AUTH_ISSUER_HEADER = 'x-bench-client-issuer-dn';

export const BENCH_OPERATOR = 'BENCH';
export const BENCH_USER = 'bench-user';
export const BENCH_PASSWORD = 'Bench#2026ok';

/** Lines the load generator prints on stdout around a lead-in job's measured window. */
export const MARK_START = 'certgate-bench:mark-start';
export const MARK_END = 'certgate-bench:mark-end';
