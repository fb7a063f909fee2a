// Dates in the configured zone (CERTGATE_TIME_ZONE, default Asia/Tokyo) the way each language writes
// them, naming the zone where a time is shown, plus small text helpers.
import { DEFAULT_TIME_ZONE, formatZonedDate, formatZonedTime, zoneAbbreviation } from '../time/zone.js';
import type { Lang } from './i18n.js';

/** ja: 2026/03/31, en: 2026-03-31 (calendar day in the zone). */
export function formatDate(date: Date, lang: Lang, zone: string = DEFAULT_TIME_ZONE): string {
  if (Number.isNaN(date.getTime())) return '-';
  return formatZonedDate(date.getTime(), zone, lang === 'ja' ? '/' : '-');
}

/** The zone as a reader expects it: 日本時間 for Japanese readers in Japan, else JST / UTC / GMT+1. */
export function zoneLabel(lang: Lang, zone: string = DEFAULT_TIME_ZONE, at = Date.now()): string {
  return lang === 'ja' && zone === 'Asia/Tokyo' ? '日本時間' : zoneAbbreviation(zone, at);
}

/** ja: 2026/03/31 18:00（日本時間）, en: 2026-03-31 18:00 JST. */
export function formatDateTime(date: Date, lang: Lang, zone: string = DEFAULT_TIME_ZONE): string {
  if (Number.isNaN(date.getTime())) return '-';
  const label = zoneLabel(lang, zone, date.getTime());
  const time = formatZonedTime(date.getTime(), zone);
  return lang === 'ja' ? `${formatDate(date, lang, zone)} ${time}（${label}）` : `${formatDate(date, lang, zone)} ${time} ${label}`;
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
