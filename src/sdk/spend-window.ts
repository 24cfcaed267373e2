import { DateTime } from 'luxon';
import { z } from 'zod';

import { PermanentError } from './errors.ts';

/**
 * Settings every daily-spend stream of an ad platform has (Meta insights, Google Ads cost):
 * how far back the first run reads, how many recent days each run reads again (platforms keep
 * revising recent days), and the account's time zone, whose days are the spend days.
 */
export const spendWindowSettings = {
  spendLookbackDays: z
    .number()
    .int()
    .min(1)
    .max(1100)
    .default(30)
    .describe('How far back the first spend run reads daily spend'),
  spendRestateDays: z
    .number()
    .int()
    .min(0)
    .max(90)
    .default(3)
    .describe('Days re-read on every spend run: recent spend is still being restated'),
  accountTimeZone: z
    .string()
    .min(1)
    .default('America/Chicago')
    .describe('Time zone of the ad account, which decides what "today" is for spend'),
};

/** A calendar date `n` days after `date` (before, for negative `n`). */
export const addDays = (date: string, n: number): string =>
  DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: n }).toISODate()!;

/** The account's "today" (spend days are the ad account's days). */
export function accountToday(zone: string, now: number, what: string): string {
  const d = DateTime.fromMillis(now, { zone }).toISODate();
  if (!d) throw new PermanentError(`${what}: accountTimeZone "${zone}" is not a time zone`);
  return d;
}

/**
 * The days a spend run reads: from `spendLookbackDays` ago on the first run, else from
 * `spendRestateDays` before the last day a finished run read (`lastUntil`), up to today in the
 * account's time zone.
 */
export function spendWindow(
  s: { spendLookbackDays: number; spendRestateDays: number; accountTimeZone: string },
  lastUntil: string | undefined,
  now: number,
  what: string,
): { since: string; until: string } {
  const until = accountToday(s.accountTimeZone, now, what);
  const start = lastUntil
    ? addDays(lastUntil, -s.spendRestateDays)
    : addDays(until, -(s.spendLookbackDays - 1));
  return { since: start < until ? start : until, until };
}
