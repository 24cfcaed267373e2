import cronstrue from 'cronstrue';

/** Symbols of the currencies a US dealership meets; others show their ISO code. */
const SYMBOLS: Record<string, string> = { USD: '$', CAD: 'CA$', EUR: '€', GBP: '£', MXN: 'MX$' };

/** Groups the digits of a non-negative integer string by thousands. */
const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * An exact decimal money string (`"-1234.5"`) for people, two decimals with thousands grouped
 * (`-$1,234.50`), without going through a float; `—` for null.
 */
export function money(value: string | null, currency = 'USD'): string {
  if (value === null) return '—';
  const neg = value.startsWith('-');
  const [whole = '0', frac = ''] = (neg ? value.slice(1) : value).split('.');
  const sym = SYMBOLS[currency] ?? `${currency} `;
  return `${neg ? '-' : ''}${sym}${group(whole)}.${frac.padEnd(2, '0').slice(0, 2)}`;
}

/** A decimal string (credits, ratios) to two decimals for display; `—` for null. */
export const two = (value: string | null): string =>
  value === null ? '—' : Number(value).toFixed(2);

/**
 * Cars sold for a headline: a whole number as it is (`77`, thousands grouped), a fractional
 * credit sum (linear, time-decay, position models) to two decimals (`9.33`); `—` for null.
 */
export function sold(value: string | null): string {
  if (value === null) return '—';
  const n = Number(value);
  return Number.isInteger(n) ? count(n) : n.toFixed(2);
}

/** A share `0.2857` as `28.6%`; `—` for null. */
export const percent = (share: string | null): string =>
  share === null ? '—' : `${(Number(share) * 100).toFixed(1)}%`;

/** A whole number with thousands grouped. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** An exact fraction `n/d` as a percentage with two decimals (`1/3` → `33.33%`). */
export function fractionPercent(frac: string): string {
  const [n, d = '1'] = frac.split('/');
  return `${((Number(n) / Number(d)) * 100).toFixed(2)}%`;
}

/**
 * A sync's cron schedule in words (cronstrue: every 15 minutes, "At 02:00" in 24-hour
 * times), with its time zone when it has one; the pattern itself when it cannot be read.
 */
export function scheduleText(pattern: string, timeZone?: string | null): string {
  let words: string;
  try {
    words = cronstrue.toString(pattern, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return pattern;
  }
  return timeZone ? `${words} (${timeZone})` : words;
}
