import { z } from '@hono/zod-openapi';

/** An ISO 8601 date-time with an offset, seconds precision (`2025-10-08T09:09:27Z`). */
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 date-time with an offset, e.g. 2025-10-08T09:09:27Z.');

/** A calendar date, `YYYY-MM-DD`. */
export const isoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD.');

/** A normalized email address: trimmed and lower-cased. */
export const email = z.email().describe('Email address, trimmed and lower-cased.');

/** A phone number in E.164 (`+16505551212`). */
export const e164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be E.164, e.g. +16505551212')
  .describe('Phone number in E.164, e.g. +16505551212.');

/**
 * An amount of money in integer minor units (cents for USD), so sums are exact. Mappings read
 * vendor amounts with the `currency` transform and write them back in major units with its
 * inverse (or `majorUnits` on an out-only field).
 */
export const money = z
  .number()
  .int('must be an integer number of cents (minor units), e.g. 207250 for $2,072.50')
  .describe('Amount in integer minor units (cents), e.g. 207250 for $2,072.50.');

/** An ISO 4217 currency code. */
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
  .describe('ISO 4217 currency code, e.g. USD.');

/** A vehicle identification number: 17 characters, no I, O or Q. */
export const vin = z
  .string()
  .regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'must be 17 characters without I, O or Q')
  .describe('Vehicle identification number (17 characters).');

/** An identifier of a record in the hub or in a source system. */
export const id = z.string().min(1).describe('Identifier.');

/** A postal address. */
export const address = z
  .object({
    line1: z.string().optional().describe('Street line 1.'),
    line2: z.string().optional().describe('Street line 2.'),
    city: z.string().optional().describe('City.'),
    state: z.string().optional().describe('State or province code, e.g. TX.'),
    postalCode: z
      .string()
      .optional()
      .describe('US ZIP (5 digits) or Canadian postal code (A1A 1A1).'),
    country: z.string().optional().describe('ISO 3166-1 alpha-2 country code, e.g. US.'),
  })
  .describe('Postal address.');

/** Which ad or marketing platform a record belongs to. */
export const channel = z
  .string()
  .min(1)
  .describe('Channel or platform, e.g. google, meta, email, website, walk-in.');
