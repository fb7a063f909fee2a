// One configured time zone (CERTGATE_TIME_ZONE, default Asia/Tokyo) for date-only input and for every
// date shown by the CLI and the pages, so "2028-03-31" means the same instant everywhere.
export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';
export const TIME_ZONE_VARIABLE = 'CERTGATE_TIME_ZONE';

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True for an IANA zone name the runtime knows (e.g. Asia/Tokyo, UTC, Europe/Berlin). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    partsFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone named by CERTGATE_TIME_ZONE, or undefined plus a one-line problem when it is not a zone. */
export function timeZoneFrom(env: NodeJS.ProcessEnv): { zone: string; problem?: string } {
  const raw = env[TIME_ZONE_VARIABLE]?.trim();
  if (!raw) return { zone: DEFAULT_TIME_ZONE };
  if (isTimeZone(raw)) return { zone: raw };
  return {
    zone: DEFAULT_TIME_ZONE,
    problem: `${TIME_ZONE_VARIABLE} "${raw}" is not a time zone; use an IANA name such as Asia/Tokyo or UTC`,
  };
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock fields of an instant in the zone. */
export function zonedParts(ms: number, zone: string): ZonedParts {
  const out: ZonedParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of partsFormatter(zone).formatToParts(new Date(ms))) {
    if (p.type in out) out[p.type as keyof ZonedParts] = Number(p.value);
  }
  return out;
}

/** Offset of the zone from UTC at that instant, in ms (Asia/Tokyo: +9 h). */
function offsetMs(ms: number, zone: string): number {
  const p = zonedParts(ms, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant of a wall-clock time in the zone (the earlier one when a DST change repeats it). */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  let guess = wall - offsetMs(wall, zone);
  // A second pass settles instants next to an offset change.
  guess = wall - offsetMs(guess, zone);
  return guess;
}

/** First millisecond of the calendar day in the zone. */
export const startOfDay = (year: number, month: number, day: number, zone: string): number => zonedTime(year, month, day, 0, 0, 0, zone);

/** Last millisecond of the calendar day in the zone: a certificate "valid until 2028-03-31" works all that day. */
export function endOfDay(year: number, month: number, day: number, zone: string): number {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return startOfDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), zone) - 1;
}

const DATE_ONLY = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A calendar date (YYYY-MM-DD or YYYY/MM/DD) in the zone, or a full ISO 8601 timestamp.
 * `edge` picks the first or last millisecond of a calendar date. Undefined when not a date.
 */
export function parseZonedDate(text: string, zone: string, edge: 'start' | 'end' = 'start'): number | undefined {
  const t = text.trim();
  const m = DATE_ONLY.exec(t);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const check = new Date(Date.UTC(y, mo - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
    return edge === 'end' ? endOfDay(y, mo, d, zone) : startOfDay(y, mo, d, zone);
  }
  if (TIMESTAMP.test(t)) {
    // A timestamp without an offset is wall-clock time in the zone, like a date-only value.
    if (!/(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
      const [date, time] = t.split('T') as [string, string];
      const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
      const [h, mi, s] = time.split(':').map((x) => Math.floor(Number(x))) as [number, number, number | undefined];
      return zonedTime(y, mo, d, h, mi, s ?? 0, zone);
    }
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** YYYY-MM-DD (or with another separator) in the zone. */
export function formatZonedDate(ms: number, zone: string, sep = '-'): string {
  const p = zonedParts(ms, zone);
  return `${p.year}${sep}${two(p.month)}${sep}${two(p.day)}`;
}

/** HH:MM (seconds too when asked) in the zone. */
export function formatZonedTime(ms: number, zone: string, seconds = false): string {
  const p = zonedParts(ms, zone);
  return `${two(p.hour)}:${two(p.minute)}${seconds ? `:${two(p.second)}` : ''}`;
}

const ABBREVIATIONS: Record<string, string> = { 'Asia/Tokyo': 'JST', UTC: 'UTC', 'Etc/UTC': 'UTC', GMT: 'UTC' };

/** Short name of the zone for output ("JST", "UTC", otherwise e.g. "GMT+1"). */
export function zoneAbbreviation(zone: string, ms = Date.now()): string {
  const known = ABBREVIATIONS[zone];
  if (known) return known;
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName');
  return name?.value ?? zone;
}

/** Calendar days from `now` to `until` in the zone (0 on the last day, negative once past). */
export function calendarDaysBetween(now: number, until: number, zone: string): number {
  const a = zonedParts(now, zone);
  const b = zonedParts(until, zone);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}
