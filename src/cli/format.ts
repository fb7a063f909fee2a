// Human output: aligned tables that respect full-width (Japanese) characters, and dates in the
// configured zone (CERTGATE_TIME_ZONE) that say which zone they are in.
import { DEFAULT_TIME_ZONE, formatZonedDate, formatZonedTime, zoneAbbreviation } from '../time/zone.js';
import { escapeControl } from './safe-text.js';
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Terminal columns a string takes (CJK and full-width forms count two). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += WIDE.test(ch) || (ch.codePointAt(0) ?? 0) > 0xffff ? 2 : 1;
  return w;
}

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/** Rows under a header, columns separated by two spaces; trailing spaces trimmed; cells one line, control characters escaped. */
export function table(headers: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => r.map((c) => escapeControl(c, { singleLine: true })));
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/**
 * YYYY-MM-DD in the configured zone (ctx.timeZone(), CERTGATE_TIME_ZONE); "-" for none. Tables that
 * show these name the zone in their header (zoneHeader), sentences use localDateTime.
 */
export function localDate(ms: number | undefined, zone: string = DEFAULT_TIME_ZONE): string {
  if (ms === undefined) return '-';
  return formatZonedDate(ms, zone);
}

/** YYYY-MM-DD HH:MM:SS JST: in the configured zone, naming it. */
export function localDateTime(ms: number, zone: string = DEFAULT_TIME_ZONE): string {
  return `${formatZonedDate(ms, zone)} ${formatZonedTime(ms, zone, true)} ${zoneAbbreviation(zone, ms)}`;
}

/** A table column header naming the zone of its dates: "NOT AFTER (JST)". */
export const zoneHeader = (name: string, zone: string = DEFAULT_TIME_ZONE): string => `${name} (${zoneAbbreviation(zone)})`;

export const isoOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
