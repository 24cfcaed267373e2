import { DateTime } from 'luxon';

const MS_PER_DAY = 86_400_000;

const MS_PER_HOUR = 3_600_000;
/**
 * Cached UTC offsets (minutes) per zone and UTC day, NaN where the offset changes in the day;
 * and per UTC hour, for the hours of those days.
 */
const dayOffsets = new Map<string, Map<number, number>>();
const hourOffsets = new Map<string, Map<number, number>>();
const OFFSET_CACHE_SIZE = 100_000;

/**
 * The zone's offset over the whole UTC span `[i × span, (i + 1) × span)` (NaN when it changes
 * within it), cached in `cache`.
 */
function spanOffset(
  cache: Map<string, Map<number, number>>,
  span: number,
  i: number,
  timeZone: string,
): number {
  let zone = cache.get(timeZone);
  if (!zone) cache.set(timeZone, (zone = new Map()));
  let off = zone.get(i);
  if (off === undefined) {
    if (zone.size >= OFFSET_CACHE_SIZE) zone.clear();
    const at = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).offset;
    const first = at(i * span);
    off = first === at(i * span + span - 1) ? first : NaN;
    zone.set(i, off);
  }
  return off;
}

/**
 * The day number (see `dayNumber`) of an instant's date in the tenant's time zone. The zone's
 * offset is looked up once per UTC day (the same at both ends of the day: no zone has two
 * transitions in one day), in a day holding a transition once per UTC hour (nor two in an hour),
 * and within an hour holding one every instant is converted on its own.
 */
export function tenantDay(ms: number, timeZone: string): number {
  let off = spanOffset(dayOffsets, MS_PER_DAY, Math.floor(ms / MS_PER_DAY), timeZone);
  if (Number.isNaN(off))
    off = spanOffset(hourOffsets, MS_PER_HOUR, Math.floor(ms / MS_PER_HOUR), timeZone);
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
