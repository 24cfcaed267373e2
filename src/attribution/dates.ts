import { DateTime } from 'luxon';

const MS_PER_DAY = 86_400_000;

const MS_PER_HOUR = 3_600_000;
/** Cached UTC offsets (minutes) per zone and UTC hour; NaN where the offset changes in the hour. */
const offsets = new Map<string, Map<number, number>>();
const OFFSET_CACHE_HOURS = 200_000;

/** The zone's offset over the whole UTC hour `hour` (NaN when it changes within that hour). */
function hourOffset(hour: number, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  let off = zone.get(hour);
  if (off === undefined) {
    if (zone.size >= OFFSET_CACHE_HOURS) zone.clear();
    const at = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).offset;
    const first = at(hour * MS_PER_HOUR);
    off = first === at(hour * MS_PER_HOUR + MS_PER_HOUR - 1) ? first : NaN;
    zone.set(hour, off);
  }
  return off;
}

/**
 * The day number (see `dayNumber`) of an instant's date in the tenant's time zone. The zone's
 * offset is looked up once per UTC hour (an offset only changes at a transition, and no zone has
 * two in one hour); within an hour holding a transition every instant is converted on its own.
 */
export function tenantDay(ms: number, timeZone: string): number {
  const off = hourOffset(Math.floor(ms / MS_PER_HOUR), timeZone);
  if (Number.isNaN(off)) return dayNumber(DateTime.fromMillis(ms, { zone: timeZone }).toISODate()!);
  return Math.floor((ms + off * 60_000) / MS_PER_DAY);
}

/** The date `YYYY-MM-DD` of an instant in the tenant's time zone. */
export function tenantDate(ms: number, timeZone: string): string {
  return dateOfDay(tenantDay(ms, timeZone));
}

/** Days since 1970-01-01 of a date `YYYY-MM-DD` (the by-date index score). */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

/** The date `YYYY-MM-DD` of a day number. */
export function dateOfDay(day: number): string {
  let date = dates.get(day);
  if (date === undefined) {
    if (dates.size >= 100_000) dates.clear();
    dates.set(day, (date = new Date(day * MS_PER_DAY).toISOString().slice(0, 10)));
  }
  return date;
}

/** Dates of day numbers formatted so far (a tenant's records span a few thousand days). */
const dates = new Map<number, string>();

/** Epoch ms of the first instant of tenant date `date` (inclusive start of a range). */
export function startOfTenantDay(date: string, timeZone: string): number {
  return DateTime.fromISO(date, { zone: timeZone }).startOf('day').toMillis();
}

/** True when `date` is a real `YYYY-MM-DD` date. */
export function isIsoDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date).isValid;
}
