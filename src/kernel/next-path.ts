// The `next` parameter of the login form: only a same-origin path survives; anything that a browser
// could read as another origin (//host, /\host, scheme:, encoded or CRLF variants) becomes "/".
const PROBE_ORIGIN = 'https://certgate.invalid';
const MAX_LENGTH = 2048;
/** Pages that must not be the target after login (they would loop or undo the login). */
const NOT_AFTER_LOGIN = /^\/auth\/(login|logout)(?:[/?#]|$)/i;

/** Repeatedly percent-decode (bounded), so `%252F%252F` is judged like `//`; undefined when malformed. */
function decodedForms(value: string): string[] | undefined {
  const forms = [value];
  let current = value;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      // A malformed escape is no path anybody links to: refuse rather than guess how a browser reads it.
      return undefined;
    }
    if (next === current) break;
    forms.push(next);
    current = next;
  }
  return forms;
}

const looksForeign = (path: string): boolean =>
  // Control characters (CR, LF, TAB… browsers strip some of them) and backslashes (read as "/").
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  /[\x00-\x1f\x7f\\]/.test(path) || !path.startsWith('/') || path.startsWith('//');

/** The path to redirect to after login: `raw` when it is a same-origin path, else "/". */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== 'string' || raw === '' || raw.length > MAX_LENGTH || /\s/.test(raw)) return '/';
  const forms = decodedForms(raw);
  if (!forms || forms.some(looksForeign)) return '/';
  let url: URL;
  try {
    url = new URL(raw, PROBE_ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== PROBE_ORIGIN || !url.pathname.startsWith('/') || url.pathname.startsWith('//')) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (NOT_AFTER_LOGIN.test(url.pathname)) return '/';
  return path;
}

/** The `next` value for the current request (GET/HEAD), or undefined for "/" itself. */
export function nextParamFor(originalUrl: string): string | undefined {
  const path = safeNextPath(originalUrl);
  return path === '/' ? undefined : path;
}
