import { DateTime } from 'luxon';

/** The instant of `date` (YYYY-MM-DD) at 12:00:00 in `timeZone`, epoch ms. */
export function noonOf(date: string, timeZone: string): number {
  return DateTime.fromISO(date, { zone: timeZone }).set({ hour: 12 }).toMillis();
}

/**
 * An instant as ISO 8601 in the tenant's zone with its UTC offset, whole seconds
 * (`2025-06-21T12:00:00-05:00`): what the conversion entity's `eventTime` holds.
 */
export function isoInZone(ms: number, timeZone: string): string {
  return DateTime.fromMillis(Math.floor(ms / 1000) * 1000, { zone: timeZone }).toISO({
    suppressMilliseconds: true,
  })!;
}

/** The tenant date `days` days before `date` (YYYY-MM-DD). */
export function daysBefore(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).minus({ days }).toISODate()!;
}

/** Epoch ms of the first instant of tenant date `date`, and of the last (end of that day). */
export function tenantDayBounds(date: string, timeZone: string): { start: number; end: number } {
  const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  return { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() - 1 };
}
