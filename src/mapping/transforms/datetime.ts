import { DateTime } from 'luxon';
import { z } from 'zod';

import { COMMON_FORMATS, formatDateTime, isZone, parseDate, parseDateTime } from './date-parse.ts';
import { readDateShape, shapeOf } from './date-shapes.ts';
import { defineTransform, identity, Invalid, type Step } from './types.ts';

const zone = z.string().refine(isZone, 'not an IANA time zone such as America/Chicago');
const formats = z
  .array(z.string().min(1))
  .default([])
  .describe('Extra luxon formats to try, e.g. "dd.MM.yyyy HH:mm".');

// Named out formats; `google` is the Google Ads conversionDateTime shape
// "yyyy-mm-dd hh:mm:ss+|-hh:mm" (docs/vendors.md (Google Ads), googleapis/googleapis `google/ads/googleads/v22/services/conversion_upload_service.proto`).
const NAMED: Record<string, string> = {
  sql: 'yyyy-MM-dd HH:mm:ss',
  google: 'yyyy-MM-dd HH:mm:ssZZ',
};

/** datetime: ISO 8601 with an offset, from many formats, at seconds precision. */
export const datetime = defineTransform({
  name: 'datetime',
  summary: 'Parse a date-time from many formats into ISO 8601 with an offset (UTC by default).',
  options: z.strictObject({
    zone: zone
      .optional()
      .describe('Zone of inputs without an offset; default: the mapping defaults.'),
    outputZone: zone.default('UTC').describe('Zone of the canonical value (UTC writes Z).'),
    formats,
    outFormat: z
      .string()
      .default('iso')
      .describe('Out direction: iso, unix, unixMs, sql, google, or a luxon format in `zone`.'),
  }),
  idempotent: true,
  create: (o, ctx) => {
    const inZone = o.zone ?? ctx.timeZone;
    const out = NAMED[o.outFormat] ?? o.outFormat;
    const custom = ['iso', 'unix', 'unixMs', 'sql', 'google'].includes(o.outFormat) ? [] : [out];
    const fmts = [...o.formats, ...custom, ...COMMON_FORMATS];
    const forward: Step = (v) => {
      const ms = parseDateTime(v, inZone, fmts);
      return ms === undefined
        ? new Invalid(`unrecognised date-time ${JSON.stringify(v)}`)
        : formatDateTime(ms, o.outputZone);
    };
    const inverse: Step =
      o.outFormat === 'iso'
        ? identity
        : (v) => {
            const ms = Date.parse(String(v));
            if (o.outFormat === 'unix') return ms / 1000;
            if (o.outFormat === 'unixMs') return ms;
            return DateTime.fromMillis(ms, { zone: inZone }).toFormat(out);
          };
    return { forward, inverse };
  },
});

/** date: a calendar date `YYYY-MM-DD`. */
export const date = defineTransform({
  name: 'date',
  summary:
    'Parse a date (ISO, US M/D/YYYY, DD-MON-YYYY, Mon D, YYYY, YYYYMMDD, date-times) into YYYY-MM-DD.',
  options: z.strictObject({
    zone: zone.optional().describe('Zone a date-time is read in; default: the mapping defaults.'),
    dayFirst: z
      .boolean()
      .default(false)
      .describe('Numeric dates are day first (21/06/2025); default month first (US).'),
    formats,
    outFormat: z
      .string()
      .default('iso')
      .describe('Out direction: iso or a luxon format, e.g. MM/dd/yyyy.'),
  }),
  idempotent: true,
  create: (o, ctx) => {
    const inZone = o.zone ?? ctx.timeZone;
    const fmts = [...o.formats, ...(o.outFormat === 'iso' ? [] : [o.outFormat]), ...COMMON_FORMATS];
    const forward: Step = (v) => {
      const custom = o.formats.length ? parseDate(v, inZone, o.formats) : undefined;
      if (custom) return custom;
      const shaped = typeof v === 'string' ? readDateShape(v, o.dayFirst) : null;
      if (shaped)
        return 'date' in shaped
          ? shaped.date
          : new Invalid(
              `unreadable date ${JSON.stringify(v)} (format seen: ${shapeOf(String(v))}; ${shaped.error})`,
            );
      return (
        parseDate(v, inZone, fmts) ??
        new Invalid(
          `unrecognised date ${JSON.stringify(v)} (format seen: ${shapeOf(String(v))}; not a date format the hub reads)`,
        )
      );
    };
    const inverse: Step =
      o.outFormat === 'iso' ? identity : (v) => DateTime.fromISO(String(v)).toFormat(o.outFormat);
    return { forward, inverse };
  },
});
