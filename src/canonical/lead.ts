import { z } from '@hono/zod-openapi';

import { channel, currency, id, isoDateTime, money, vin } from './common.ts';
import { contactSchema } from './customer.ts';

/**
 * Lifecycle stage of a lead: the one scale every CRM's statuses map to, in order.
 * `lost` may follow any stage.
 */
export const lifecycleStage = z
  .enum(['new', 'contacted', 'appointment', 'shown', 'sold', 'lost'])
  .describe('Lifecycle stage: new, contacted, appointment, shown, sold or lost.');

/** The vehicle a lead asks about. */
export const vehicleInterest = z
  .object({
    interest: z.enum(['buy', 'lease', 'sell', 'trade-in', 'test-drive']).optional(),
    status: z.enum(['new', 'used']).optional().describe('New or used vehicle.'),
    year: z.number().int().optional().describe('Model year.'),
    make: z.string().optional().describe('Make, e.g. Honda.'),
    model: z.string().optional().describe('Model, e.g. Civic.'),
    trim: z.string().optional().describe('Trim, e.g. EX.'),
    vin: vin.optional(),
    stockNumber: z.string().optional().describe('Dealer stock number.'),
    price: money.optional(),
    currency: currency.optional(),
  })
  .describe('Vehicle of interest.');

/**
 * One stage change of a lead as the CRM reported it. The record merge keeps these ordered by `at`
 * and collapses a stage reported again into its first report (src/records/stage-history.ts).
 */
export const stageChange = z
  .object({
    stage: lifecycleStage,
    at: isoDateTime.describe('When the lead entered the stage (as the CRM reports it).'),
  })
  .describe('A stage change: the stage and when the lead entered it.');

/** Ad click identifiers that let a sale be reported back to the ad platform. */
export const clickIds = z
  .object({
    gclid: z.string().optional().describe('Google click id.'),
    gbraid: z.string().optional().describe('Google iOS app click id.'),
    wbraid: z.string().optional().describe('Google iOS web click id.'),
    fbc: z.string().optional().describe('Meta click cookie, fb.1.<ts>.<fbclid>.'),
    fbp: z.string().optional().describe('Meta browser cookie.'),
    metaLeadId: z.string().optional().describe('Meta Lead Ads lead id (leadgen_id).'),
  })
  .describe('Ad platform click identifiers.');

/** A sales lead: a person's enquiry with its campaign context and lifecycle stage. */
export const leadSchema = z.object({
  id: id.optional().describe('Hub lead id.'),
  createdAt: isoDateTime.optional().describe('When the lead was created at its source.'),
  updatedAt: isoDateTime.optional().describe('When the lead last changed.'),
  stage: lifecycleStage.optional(),
  stageChangedAt: isoDateTime.optional().describe('When the stage last changed.'),
  stageHistory: z
    .array(stageChange)
    .optional()
    .describe(
      'Every stage the lead entered, ordered by time; kept by the hub from the stages CRMs report.',
    ),
  source: channel.optional(),
  sourceDetail: z.string().optional().describe('Source detail: provider, form or referrer.'),
  campaignId: z.string().optional().describe('Campaign id at the source platform.'),
  campaignName: z.string().optional().describe('Campaign name.'),
  adSetId: z.string().optional().describe('Ad set or ad group id.'),
  adId: z.string().optional().describe('Ad id.'),
  formId: z.string().optional().describe('Lead form id.'),
  keyword: z.string().optional().describe('Search keyword.'),
  clickIds: clickIds.optional(),
  customer: contactSchema.optional().describe('Contact details of the person.'),
  vehicle: vehicleInterest.optional(),
  comments: z.string().optional().describe('Free text from the person.'),
  assignedTo: z.string().optional().describe('Salesperson the lead is assigned to.'),
  consentEmail: z.boolean().optional().describe('Consent to marketing email.'),
});

/** Lifecycle stage of a lead. */
export type LifecycleStage = z.infer<typeof lifecycleStage>;
/** One entry of a lead's stage history. */
export type StageChange = z.infer<typeof stageChange>;
/** A canonical lead. */
export type Lead = z.infer<typeof leadSchema>;
