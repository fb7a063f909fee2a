// Calendar days and displayed times in the configured zone. Kept in one file so the shared
// date/zone helper can replace these few calls in one place.
export type Lang = 'ja' | 'en';

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const out = { year: '', month: '', day: '', hour: '', minute: '' };
  for (const p of f.formatToParts(new Date(ms))) if (p.type in out) out[p.type as keyof typeof out] = p.value;
  return out;
}

/** The calendar day of `ms` in the zone, as YYYY-MM-DD. */
export function zonedDay(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Whole calendar days from day `a` to day `b` (YYYY-MM-DD), negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** `day` (YYYY-MM-DD) moved by n calendar days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

const zoneLabel = (timeZone: string): string => (timeZone === 'Asia/Tokyo' ? 'JST' : timeZone);

/** A date and time as mails show it: ja 2028/03/31 23:59 (JST), en 2028-03-31 23:59 JST. */
export function formatDateTime(ms: number, lang: Lang, timeZone: string): string {
  const p = parts(ms, timeZone);
  return lang === 'ja'
    ? `${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute} (${zoneLabel(timeZone)})`
    : `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${zoneLabel(timeZone)}`;
}

/** A calendar day (YYYY-MM-DD) as each language writes it. */
export function formatDay(day: string, lang: Lang): string {
  return lang === 'ja' ? day.replaceAll('-', '/') : day;
}
