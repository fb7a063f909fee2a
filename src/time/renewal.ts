// Days left on a certificate as people count them (calendar days in the configured zone) and the
// renewal banner built from it: shared by the gateway's pages and the portal's.
import { calendarDaysBetween } from './zone.js';

const DAY_MS = 86_400_000;

/** Calendar days until notAfter in the zone: 0 on the last day, negative once it has passed. */
export function certDaysLeft(notAfter: Date, now: number, zone: string): number {
  if (now > notAfter.getTime()) return Math.min(-1, calendarDaysBetween(now, notAfter.getTime(), zone));
  return calendarDaysBetween(now, notAfter.getTime(), zone);
}

/** The banner when the certificate expires within warnDays (or already has), else undefined. */
export function renewalBanner(notAfter: Date, now: number, warnDays: number, zone: string): { notAfter: Date; daysLeft: number } | undefined {
  if (notAfter.getTime() - now > warnDays * DAY_MS) return undefined;
  return { notAfter, daysLeft: certDaysLeft(notAfter, now, zone) };
}
