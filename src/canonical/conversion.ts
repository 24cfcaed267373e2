import { z } from '@hono/zod-openapi';

import { currency, e164, email, id, isoDateTime, money } from './common.ts';

/** Where a conversion goes: Google Ads offline conversions or the Meta Conversions API. */
export const conversionDestination = z
  .enum(['google-ads', 'meta'])
  .describe('Ad platform the conversion is reported to: google-ads or meta.');

/**
 * Kind of conversion: a Google click conversion or enhanced conversion for leads, a Meta CRM
 * stage event or a Meta purchase (CLOSED-LOOP.md, "Outcomes sent back").
 */
export const conversionKind = z
  .enum(['click', 'enhanced_lead', 'crm_stage', 'purchase'])
  .describe('click or enhanced_lead (Google); crm_stage or purchase (Meta).');

/** Which Google click identifier a click conversion carries. */
export const clickIdType = z
  .enum(['gclid', 'gbraid', 'wbraid'])
  .describe('Google click identifier kind: gclid, gbraid or wbraid.');

/**
 * The person behind a conversion, as normalized but UNHASHED identifiers: the connector sink
 * hashes them per the vendor's rules at its edge (docs/vendors.md (Google Ads) Google, §2.2 Meta).
 */
export const conversionUser = z
  .object({
    email: email.optional(),
    phone: e164.optional(),
    firstName: z.string().optional().describe('Given name.'),
    lastName: z.string().optional().describe('Family name.'),
    city: z.string().optional().describe('City.'),
    state: z.string().optional().describe('State or province, 2-letter code, e.g. TX.'),
    postalCode: z.string().optional().describe('Postal code, e.g. 78701.'),
    country: z.string().optional().describe('ISO 3166-1 alpha-2 country code, e.g. US.'),
  })
  .describe('Unhashed normalized identifiers of the person; the sink hashes them.');

/**
 * A conversion derived by the closed loop: one per (sale, destination action) and one per Meta
 * lead stage change. Its id is stable (derived from the deal number or Meta lead id), so deriving
 * it again writes the same record and changes nothing.
 */
export const conversionSchema = z.object({
  id: id.describe(
    'Stable id: google-ads:<dealNumber>, meta:<metaLeadId>:<stage> or meta:<metaLeadId>:Purchase:<dealNumber>.',
  ),
  destination: conversionDestination,
  kind: conversionKind,
  eventName: z
    .string()
    .min(1)
    .describe(
      "Event name: 'purchase' (Google); contacted, appointment, shown, sold or Purchase (Meta).",
    ),
  eventId: z
    .string()
    .min(1)
    .describe(
      'Dedup id at the platform: <metaLeadId>:<stage>, <metaLeadId>:Purchase:<dealNumber>, or the deal number (Google).',
    ),
  eventTime: isoDateTime.describe(
    "When the conversion happened, ISO 8601 with the tenant's UTC offset, e.g. 2025-06-21T12:00:00-05:00.",
  ),
  orderId: z.string().optional().describe('Google order id: the DMS deal number.'),
  valueCents: money.optional().describe('Conversion value in integer cents (minor units).'),
  currency: currency.optional(),
  clickIdType: clickIdType.optional(),
  clickId: z.string().optional().describe('The Google click id (of the kind in clickIdType).'),
  metaLeadId: z.string().optional().describe('Meta Lead Ads lead id (leadgen_id).'),
  customerId: z.string().optional().describe('Hub customer the conversion belongs to.'),
  saleId: z.string().optional().describe('Hub sale it came from.'),
  leadId: z.string().optional().describe('Hub lead it came from.'),
  user: conversionUser.optional(),
});

/** A canonical conversion. */
export type Conversion = z.infer<typeof conversionSchema>;
/** Identifiers of the person of a conversion (unhashed). */
export type ConversionUser = z.infer<typeof conversionUser>;
