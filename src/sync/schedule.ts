import cronParser from 'cron-parser';

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

export { isTimeZone } from '../tenants/time-zone.ts';
