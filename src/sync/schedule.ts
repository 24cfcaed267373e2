import cronParser from 'cron-parser';
import { IANAZone } from 'luxon';

/**
 * Why a cron pattern cannot be scheduled, or null when it can. Uses cron-parser, the parser BullMQ
 * schedules repeatable jobs with, so a pattern accepted here is one the queue accepts.
 */
export function cronProblem(pattern: string): string | null {
  try {
    cronParser.parseExpression(pattern, { utc: true }).next();
    return null;
  } catch (err) {
    return `not a valid cron pattern: ${(err as Error).message}`;
  }
}

/** True for an IANA time zone name Node's Intl knows (`America/Chicago`, `UTC`). */
export function isTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}
