import { DateTime, IANAZone } from 'luxon';

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
export const isZone = (zone: string): boolean => zone === 'UTC' || IANAZone.isValidZone(zone);

/** Epoch milliseconds cut to whole seconds: the canonical precision of a date-time. */
const toSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

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

/** Formats epoch ms as ISO 8601 with offset in `zone` (UTC as `Z`), without milliseconds. */
export function formatDateTime(ms: number, zone: string): string {
  if (zone === 'UTC') {
    // Field by field: Date#toISOString costs several times more, on every record.
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
