import { DateTime } from 'luxon';

import { isTimeZone } from '../../tenants/time-zone.ts';

// An ISO 8601 / RFC 3339 date-time with an explicit offset ("Z", "+00:00" or Meta's "+0000");
// parsed natively, without luxon, because it is by far the most common input.
const ISO_OFFSET =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:(Z)|([+-]\d{2}):?(\d{2})?)$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Formats tried, after ISO, RFC 2822, HTTP and SQL, for text without a known shape. */
export const COMMON_FORMATS = [
  'M/d/yyyy',
  'M/d/yyyy H:mm',
  'M/d/yyyy H:mm:ss',
  'M/d/yyyy h:mm a',
  'M/d/yyyy h:mm:ss a',
  'M/d/yy',
  'M-d-yyyy',
  'yyyyMMdd',
  'yyyyMMddHHmmss',
  'MMM d, yyyy',
  'MMMM d, yyyy',
  'd MMM yyyy',
  'MMM d, yyyy h:mm a',
];

/** True when `zone` is an IANA time zone luxon can use (e.g. America/Chicago, UTC). */
export const isZone = isTimeZone;

/** Epoch milliseconds cut to whole seconds: the canonical precision of a date-time. */
const toSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

const isDigit = (c: number) => c >= 48 && c <= 57;

/** The number of the two digits at `i`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  return isDigit(a) && isDigit(b) ? (a - 48) * 10 + b - 48 : -1;
}

const DAY = 86_400_000;

// Civil dates and day numbers (days since 1970-01-01) by arithmetic, as in
// howardhinnant.github.io/date_algorithms.html: no Date object on the per-record path.

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (y: number, m: number) =>
  m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;

/** The offset at `i` in ms: `Z`, `±HH:MM` or `±HHMM` ending the text; NaN for anything else. */
function offsetAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 90) return i + 1 === s.length ? 0 : NaN;
  if (c !== 43 && c !== 45) return NaN;
  const colon = s.charCodeAt(i + 3) === 58;
  const h = twoDigits(s, i + 1);
  const m = twoDigits(s, colon ? i + 4 : i + 3);
  if ((colon ? i + 6 : i + 5) !== s.length || h < 0 || h > 23 || m < 0 || m > 59) return NaN;
  return (c === 43 ? 60_000 : -60_000) * (h * 60 + m);
}

/**
 * The most common input, `YYYY-MM-DDTHH:MM:SS` with an optional fraction (dropped: the result is
 * in whole seconds) and `Z`, `±HH:MM` or `±HHMM`, every field in range and the year from 100,
 * read without a regular expression or Date.parse (which give the same result). Epoch ms, or
 * undefined for anything else (parseDateTime then takes its general path).
 */
export function parseIsoFast(s: string): number | undefined {
  if (s.length < 20 || s.charCodeAt(10) !== 84) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const century = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  const y = century * 100 + yy;
  const mo = twoDigits(s, 5);
  const d = twoDigits(s, 8);
  const h = twoDigits(s, 11);
  const mi = twoDigits(s, 14);
  const sec = twoDigits(s, 17);
  if (century < 1 || yy < 0 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return undefined;
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    while (isDigit(s.charCodeAt(++i)));
    if (i === 20) return undefined;
  }
  const offset = offsetAt(s, i);
  if (Number.isNaN(offset)) return undefined;
  return daysFromCivil(y, mo, d) * DAY + ((h * 60 + mi) * 60 + sec) * 1000 - offset;
}

/**
 * Parses a date-time from many inputs: ISO 8601 with or without offset, Unix seconds or
 * milliseconds (numbers or digit strings), RFC 2822, HTTP dates, SQL, US styles such as
 * `3/4/2025 2:05 PM`, and any extra luxon `formats`. Text without an offset is read in `zone`.
 * @returns epoch milliseconds at seconds precision, or `undefined`.
 */
export function parseDateTime(
  v: unknown,
  zone: string,
  formats: readonly string[],
): number | undefined {
  if (typeof v === 'number')
    return Number.isFinite(v) ? toSeconds(v < 1e11 ? v * 1000 : v) : undefined;
  if (typeof v !== 'string') return v instanceof Date ? toSeconds(v.getTime()) : undefined;
  const s = v.trim();
  const fast = parseIsoFast(s);
  if (fast !== undefined) return fast;
  const m = ISO_OFFSET.exec(s);
  if (m) {
    const ms =
      m[3] && s[10] === 'T' && m[2]!.length >= 8
        ? Date.parse(s)
        : Date.parse(`${m[1]}T${m[2]}${m[3] ? 'Z' : `${m[4]}:${m[5] ?? '00'}`}`);
    return Number.isNaN(ms) ? undefined : toSeconds(ms);
  }
  if (/^\d{9,10}$/.test(s)) return Number(s) * 1000;
  if (/^\d{12,13}$/.test(s)) return toSeconds(Number(s));
  const opts = { zone, setZone: true };
  let dt = DateTime.fromISO(s, opts);
  if (!dt.isValid) dt = DateTime.fromRFC2822(s, opts);
  if (!dt.isValid) dt = DateTime.fromHTTP(s, opts);
  if (!dt.isValid) dt = DateTime.fromSQL(s, opts);
  for (let i = 0; !dt.isValid && i < formats.length; i++)
    dt = DateTime.fromFormat(s, formats[i]!, opts);
  return dt.isValid ? toSeconds(dt.toMillis()) : undefined;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
/** Epoch ms of 1000-01-01 and 10000-01-01 (UTC): the years written with four digits. */
const YEAR_1000 = -30_610_224_000_000;
const YEAR_10000 = 253_402_300_800_000;

// Character codes of the tens and ones of 0-99, so a date-time is written in one fromCharCode.
const TENS = Array.from({ length: 100 }, (_, n) => 48 + Math.floor(n / 10));
const ONES = Array.from({ length: 100 }, (_, n) => 48 + (n % 10));

/** A UTC date-time in whole ms from year 1000 to 9999 as `YYYY-MM-DDTHH:MM:SSZ`, by arithmetic. */
function formatUtc(ms: number): string {
  const days = Math.floor(ms / DAY);
  const t = ms - days * DAY;
  // Civil from days; every quantity is a non-negative integer from here (`| 0` truncates).
  const z = days + 719_468;
  const era = (z / 146_097) | 0;
  const doe = z - era * 146_097;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36_524) | 0) - ((doe / 146_096) | 0)) / 365) | 0;
  const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
  const mp = ((5 * doy + 2) / 153) | 0;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  const d = doy - (((153 * mp + 2) / 5) | 0) + 1;
  const c = (y / 100) | 0;
  const yy = y - c * 100;
  const h = (t / 3_600_000) | 0;
  const mi = ((t % 3_600_000) / 60_000) | 0;
  const sec = ((t % 60_000) / 1000) | 0;
  // prettier-ignore
  return String.fromCharCode(
    TENS[c]!, ONES[c]!, TENS[yy]!, ONES[yy]!, 45, TENS[mo]!, ONES[mo]!, 45, TENS[d]!, ONES[d]!, 84,
    TENS[h]!, ONES[h]!, 58, TENS[mi]!, ONES[mi]!, 58, TENS[sec]!, ONES[sec]!, 90,
  );
}

/** Formats epoch ms as ISO 8601 with offset in `zone` (UTC as `Z`), without milliseconds. */
export function formatDateTime(ms: number, zone: string): string {
  if (zone === 'UTC') {
    if (Number.isInteger(ms) && ms >= YEAR_1000 && ms < YEAR_10000) return formatUtc(ms);
    // Other years (toISOString writes them ±YYYYYY) and fractions of a ms: through a Date.
    const d = new Date(ms);
    const y = d.getUTCFullYear();
    if (y < 1000 || y > 9999) return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
  }
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;
}

/** Parses a calendar date; a date-time is taken as the date it is in `zone`. `YYYY-MM-DD` or undefined. */
export function parseDate(
  v: unknown,
  zone: string,
  formats: readonly string[],
): string | undefined {
  if (typeof v === 'string' && ISO_DATE.test(v.trim())) {
    const s = v.trim();
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) ? s : undefined;
  }
  const ms = parseDateTime(v, zone, formats);
  return ms === undefined ? undefined : DateTime.fromMillis(ms, { zone }).toISODate()!;
}
