// Parsing of option values as operators type them (dates, day counts, limits); failures are usage
// errors that say what was expected.
import { errors } from '../errors/certgate-error.js';

export const DAY_MS = 86_400_000;

const DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;

/**
 * A calendar date (YYYY-MM-DD, also YYYY/MM/DD) in local time, or a full ISO 8601 timestamp.
 * `edge` picks the first ("start") or last ("end") millisecond of a calendar date, so
 * `--not-after 2027-03-31` keeps the certificate usable through that whole day.
 * Returns undefined when the text is not a date.
 */
export function parseDate(text: string, edge: 'start' | 'end' = 'start'): number | undefined {
  const t = text.trim();
  const m = DATE.exec(t);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(y, mo - 1, d);
    if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return undefined;
    return edge === 'end' ? new Date(y, mo - 1, d + 1).getTime() - 1 : date.getTime();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

export function dateOption(text: string, option: string, edge: 'start' | 'end' = 'start'): number {
  const ms = parseDate(text, edge);
  if (ms === undefined) throw errors.usage(`${option} "${text}" is not a date; use YYYY-MM-DD, e.g. 2027-03-31`);
  return ms;
}

/** A date, or "Nd" meaning N days before now. */
export function dateOrDaysAgoOption(text: string, option: string, now: number): number {
  const rel = /^\s*(\d{1,5})\s*d\s*$/i.exec(text);
  if (rel) return now - Number(rel[1]) * DAY_MS;
  const ms = parseDate(text, 'start');
  if (ms === undefined) throw errors.usage(`${option} "${text}" is neither a date nor a number of days; use YYYY-MM-DD or e.g. 30d`);
  return ms;
}

export function integerOption(text: string, option: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < min || n > max) {
    throw errors.usage(`${option} "${text}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}
