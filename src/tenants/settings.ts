import { z } from 'zod';

import { isTimeZone } from './time-zone.ts';

/**
 * A tenant's settings for the closed loop (CLOSED-LOOP.md): the single source of truth for their
 * names, types, bounds and defaults. The API, the CLI and the attribution code all read this schema.
 */
export const TenantSettingsSchema = z.object({
  timeZone: z
    .string()
    .refine(isTimeZone, {
      message: 'must be an IANA time zone such as America/Chicago',
    })
    .default('America/Chicago')
    .describe('IANA time zone of the store; every report date is a date in this zone'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of 3 capital letters, e.g. USD')
    .default('USD')
    .describe('ISO 4217 currency of the store; amounts are integer cents (minor units) of it'),
  lookbackDays: z
    .number({ message: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(0, 'must be 0 or more')
    .max(730, 'must be at most 730')
    .default(90)
    .describe(
      'Touches dated D - lookbackDays ... D (tenant dates) can be credited for a sale on D',
    ),
  halfLifeDays: z
    .number({ message: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(365, 'must be at most 365')
    .default(7)
    .describe('Half-life of the time_decay model: a touch this many days older weighs half'),
  minMatchConfidence: z
    .enum(['medium', 'high'], { message: 'must be "medium" or "high"' })
    .default('medium')
    .describe('Weakest identity match a sale may be attributed on; "high" ignores name + postal'),
  responseSlaMinutes: z
    .number({ message: 'must be a whole number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1')
    .max(1440, 'must be at most 1440')
    .default(15)
    .describe('A lead answered within this many minutes (inclusive) is within the response SLA'),
});

/** A tenant's settings with every default filled in. */
export type TenantSettings = z.infer<typeof TenantSettingsSchema>;

/** The names of the settings. */
export type SettingName = keyof TenantSettings;

/** The setting names, in schema order. */
export const SETTING_NAMES = Object.keys(TenantSettingsSchema.shape) as SettingName[];

/** A change to some settings: every field optional, unknown fields refused. */
export const TenantSettingsPatchSchema = z
  .object(
    Object.fromEntries(
      SETTING_NAMES.map((n) => [n, TenantSettingsSchema.shape[n].removeDefault().optional()]),
    ) as unknown as { [K in SettingName]: z.ZodOptional<z.ZodType<TenantSettings[K]>> },
  )
  .strict();

/** A validated change to some settings. */
export type TenantSettingsPatch = Partial<TenantSettings>;

/** The defaults, as the schema gives them. */
export const DEFAULT_SETTINGS: TenantSettings = TenantSettingsSchema.parse({});

/** Settings whose change moves dates, windows or weights: attribution is recomputed in full. */
export const RECOMPUTE_SETTINGS: readonly SettingName[] = [
  'timeZone',
  'lookbackDays',
  'halfLifeDays',
  'minMatchConfidence',
];
