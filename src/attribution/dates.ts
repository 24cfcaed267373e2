import { DateTime } from 'luxon';

const MS_PER_DAY = 86_400_000;

/** The date `YYYY-MM-DD` of an instant in the tenant's time zone. */
export function tenantDate(ms: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).toISODate()!;
}

/** Days since 1970-01-01 of a date `YYYY-MM-DD` (the by-date index score). */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

/** The date `YYYY-MM-DD` of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Epoch ms of the first instant of tenant date `date` (inclusive start of a range). */
export function startOfTenantDay(date: string, timeZone: string): number {
  return DateTime.fromISO(date, { zone: timeZone }).startOf('day').toMillis();
}

/** True when `date` is a real `YYYY-MM-DD` date. */
export function isIsoDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date).isValid;
}
