/**
 * Calendar dates as DMS exports and CRMs write them, read by shape with fixed rules (README,
 * "Dates"): `2025-06-21`, `2025/06/21`, `20250621`, `6/21/2025`, `06-21-25`, `21-JUN-2025`,
 * `21-Jun-25`, `21 June 2025`, `Jun 21, 2025`, `June 21 2025`.
 * - Numeric day and month in one order: month first (US) unless the field says `dayFirst`; a date
 *   that only reads the other way (`21/06/2025` month first) is refused, never guessed.
 * - Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999 (the POSIX `%y` pivot).
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Two-digit years below this are 20yy, the others 19yy. */
export const TWO_DIGIT_YEAR_PIVOT = 70;

const NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/;
const YMD = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const DAY_MON = /^(\d{1,2})[-/ ]([a-z]{3,9})\.?[-/ ,]+(\d{2}|\d{4})$/i;
const MON_DAY = /^([a-z]{3,9})\.?[ -](\d{1,2})(?:st|nd|rd|th)?,? +(\d{2}|\d{4})$/i;

/** What a date looked like, for the quarantine: `21-JUN-2025` → `99-AAA-9999`. */
export const shapeOf = (s: string): string =>
  s.replace(/\d/g, '9').replace(/[a-z]/gi, 'A').slice(0, 40);

/** The outcome of reading a date: the ISO date, or why the shape it has did not make one. */
export type DateRead = { date: string } | { error: string } | null;

const year = (y: string) =>
  y.length === 4 ? Number(y) : Number(y) + (Number(y) < TWO_DIGIT_YEAR_PIVOT ? 2000 : 1900);

function month(name: string): number {
  const n = name.toLowerCase();
  const i = MONTHS.indexOf(n.slice(0, 3));
  // "jun", "june" and "sept" are month names; "junx" is not
  return i >= 0 &&
    (n.length === 3 ||
      'january february march april may june july august september october november december sept'
        .split(' ')
        .includes(n))
    ? i + 1
    : 0;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The ISO date, or why not. Numbers read from the value are quoted, as values are in every reason,
 * so data quality's reason (src/quality/counters.ts `reasonKey`) takes them out and keeps the rule.
 */
function civil(y: number, m: number, d: number, what: string): DateRead {
  if (m < 1 || m > 12) return { error: `${what}: month "${m}" is not 1-12` };
  const max = m === 2 && isLeap(y) ? 29 : DAYS[m - 1]!;
  if (d < 1 || d > max) return { error: `${what}: day "${d}" is not 1-${max} in month "${m}"` };
  if (y < 1900 || y > 2199) return { error: `${what}: year "${y}" is out of range (1900-2199)` };
  return { date: `${pad(y, 4)}-${pad(m)}-${pad(d)}` };
}

/**
 * Reads a calendar date of one of the shapes above; null when the text has none of them (the
 * caller then tries date-times and other formats).
 */
export function readDateShape(text: string, dayFirst = false): DateRead {
  const s = text.trim();
  let m = YMD.exec(s) ?? COMPACT.exec(s);
  if (m) return civil(Number(m[1]), Number(m[2]), Number(m[3]), 'read as year-month-day');
  if ((m = NUMERIC.exec(s))) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    const read = dayFirst
      ? civil(year(m[3]!), b, a, 'read day first')
      : civil(year(m[3]!), a, b, 'read month first (US)');
    if ('error' in read! && !dayFirst && a > 12 && b <= 12)
      return {
        error: `${read.error}; it reads as a day-first date: set the field's date option dayFirst if the export writes those`,
      };
    return read;
  }
  if ((m = DAY_MON.exec(s))) {
    const mo = month(m[2]!);
    return mo
      ? civil(year(m[3]!), mo, Number(m[1]), 'read as day-month name-year')
      : { error: `"${m[2]}" is not a month name` };
  }
  if ((m = MON_DAY.exec(s))) {
    const mo = month(m[1]!);
    return mo ? civil(year(m[3]!), mo, Number(m[2]), 'read as month name-day-year') : null;
  }
  return null;
}
