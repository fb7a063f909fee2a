// Dates in Japan time (Asia/Tokyo), the way each language writes them, plus small text helpers.
import type { Lang } from './i18n.js';

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function tokyo(date: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const out = { year: '', month: '', day: '', hour: '', minute: '' };
  for (const p of parts.formatToParts(date)) if (p.type in out) out[p.type as keyof typeof out] = p.value;
  return out;
}

/** ja: 2026/03/31, en: 2026-03-31 (both Japan time, the market's official clock). */
export function formatDate(date: Date, lang: Lang): string {
  if (Number.isNaN(date.getTime())) return '-';
  const t = tokyo(date);
  return lang === 'ja' ? `${t.year}/${t.month}/${t.day}` : `${t.year}-${t.month}-${t.day}`;
}

/** ja: 2026/03/31 18:00, en: 2026-03-31 18:00 JST. */
export function formatDateTime(date: Date, lang: Lang): string {
  if (Number.isNaN(date.getTime())) return '-';
  const t = tokyo(date);
  return `${formatDate(date, lang)} ${t.hour}:${t.minute}${lang === 'en' ? ' JST' : ''}`;
}

/** Machine-readable value for <time datetime>. */
export const isoDate = (date: Date): string => (Number.isNaN(date.getTime()) ? '' : date.toISOString());

/** Appends lang=en to an internal link when the page is English, so the choice survives navigation. */
export function withLang(path: string, lang: Lang): string {
  if (lang === 'ja') return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=en`;
}

/** Human file size: 1.2 KB / 34 KB / 2.5 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
