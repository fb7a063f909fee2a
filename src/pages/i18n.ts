// Language choice (?lang= first, then the language cookie, then Accept-Language, Japanese by default)
// and the message dictionaries.
import { ja, type Messages } from './messages/ja.js';
import { en } from './messages/en.js';

export type Lang = 'ja' | 'en';
export type { Messages };

const DICTIONARIES: Record<Lang, Messages> = { ja, en };

export const messages = (lang: Lang): Messages => DICTIONARIES[lang];

/** `?lang=` wins when it names a supported language; otherwise the first preferred Accept-Language decides. */
export function pickLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  const q = query?.trim().toLowerCase();
  if (q === 'en' || q === 'ja') return q;
  return firstPreferred(acceptLanguage)?.startsWith('en') ? 'en' : 'ja';
}

/** Remembers an explicit ?lang= choice across pages and the login (gateway and portal both read it). */
export const LANG_COOKIE = 'certgate-lang';
const ONE_YEAR_S = 365 * 24 * 3600;

export const isLang = (v: unknown): v is Lang => v === 'ja' || v === 'en';

/** Set-Cookie value that remembers the language (not a secret: readable by the portal behind the gateway). */
export const langCookieHeader = (lang: Lang): string => `${LANG_COOKIE}=${lang}; Path=/; Max-Age=${ONE_YEAR_S}; Secure; SameSite=Lax`;

export interface LangChoice {
  lang: Lang;
  /** The query chose a language the cookie does not hold yet: remember it. */
  remember: boolean;
}

/** ?lang= wins (and is remembered), then the cookie from an earlier choice, then Accept-Language. */
export function chooseLang(query: unknown, cookie: string | undefined, acceptLanguage: string | undefined): LangChoice {
  const q = typeof query === 'string' ? query.trim().toLowerCase() : undefined;
  if (isLang(q)) return { lang: q, remember: cookie !== q };
  if (isLang(cookie)) return { lang: cookie, remember: false };
  return { lang: pickLang(undefined, acceptLanguage), remember: false };
}

/** The language range with the highest q (earliest on a tie), ignoring `*` and q=0. */
function firstPreferred(header: string | undefined): string | undefined {
  if (!header) return undefined;
  let best: { tag: string; q: number } | undefined;
  // Bounded: a hostile header with thousands of entries must not cost more than a few microseconds.
  for (const part of header.slice(0, 512).split(',').slice(0, 32)) {
    const [rawTag = '', ...params] = part.trim().split(';');
    const tag = rawTag.trim().toLowerCase();
    if (!tag || tag === '*' || !/^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(tag)) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (q > 0 && (!best || q > best.q)) best = { tag, q };
  }
  return best?.tag;
}
