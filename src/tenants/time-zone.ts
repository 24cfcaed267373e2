import { IANAZone } from 'luxon';

/** Time zone names found valid so far (a process's tz data does not change; only names are kept). */
const validZones = new Set<string>(['UTC']);

/**
 * Whether `name` is an IANA time zone Node's Intl knows (`America/Chicago`, `UTC`), remembered
 * once true: luxon's check builds an Intl.DateTimeFormat each time, and the schemas that use it
 * (tenant settings, syncs, mappings) are parsed on hot paths (a sync's stored definition on every
 * read, once per outbound step among others). Invalid names are not remembered (they are rare,
 * and a set of them would grow with every bad input).
 */
export function isTimeZone(name: string): boolean {
  if (validZones.has(name)) return true;
  const ok = IANAZone.isValidZone(name);
  if (ok) validZones.add(name);
  return ok;
}
