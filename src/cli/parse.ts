// Parsing of option values as operators type them (dates, day counts, limits); failures are usage
// errors that say what was expected.
import { errors } from '../errors/certgate-error.js';
import { DEFAULT_TIME_ZONE, parseZonedDate } from '../time/zone.js';

export const DAY_MS = 86_400_000;

/**
 * A calendar date (YYYY-MM-DD, also YYYY/MM/DD) in the configured zone (CERTGATE_TIME_ZONE, default
 * Asia/Tokyo), or a full ISO 8601 timestamp. `edge` picks the first ("start") or last ("end")
 * millisecond of a calendar date, so `--not-after 2027-03-31` keeps the certificate usable through
 * that whole day in that zone. Returns undefined when the text is not a date.
 */
export function parseDate(text: string, edge: 'start' | 'end' = 'start', zone: string = DEFAULT_TIME_ZONE): number | undefined {
  return parseZonedDate(text, zone, edge);
}

export function dateOption(text: string, option: string, edge: 'start' | 'end' = 'start', zone: string = DEFAULT_TIME_ZONE): number {
  const ms = parseDate(text, edge, zone);
  if (ms === undefined) throw errors.usage(`${option} "${text}" is not a date; use YYYY-MM-DD, e.g. 2027-03-31`);
  return ms;
}

/** A date, or "Nd" meaning N days before now. */
export function dateOrDaysAgoOption(text: string, option: string, now: number, zone: string = DEFAULT_TIME_ZONE): number {
  const rel = /^\s*(\d{1,5})\s*d\s*$/i.exec(text);
  if (rel) return now - Number(rel[1]) * DAY_MS;
  const ms = parseDate(text, 'start', zone);
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
