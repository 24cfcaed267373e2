import { z } from '@hono/zod-openapi';

import { id, isoDateTime } from './common.ts';
import { contactSchema } from './customer.ts';

/** Something a salesperson did or scheduled in the CRM: call, email, text, appointment, visit. */
export const activitySchema = z.object({
  id: id.optional().describe('Hub activity id.'),
  type: z.enum(['call', 'email', 'text', 'appointment', 'visit']).describe('Kind of activity.'),
  direction: z.enum(['inbound', 'outbound']).optional().describe('Who started it.'),
  occurredAt: isoDateTime.describe('When it happened (or was logged).'),
  scheduledFor: isoDateTime.optional().describe('Appointment time.'),
  durationSeconds: z.number().int().nonnegative().optional().describe('Call length.'),
  outcome: z.string().optional().describe('Outcome as the CRM records it.'),
  subject: z.string().optional().describe('Subject or title.'),
  notes: z.string().optional().describe('Free text.'),
  leadId: z.string().optional().describe('Lead it belongs to.'),
  customerId: z.string().optional().describe('Customer it belongs to.'),
  customer: contactSchema
    .optional()
    .describe('Contact details of the person it was with (resolve it to its customer).'),
  user: z.string().optional().describe('Salesperson or user who did it.'),
});

/** A canonical activity. */
export type Activity = z.infer<typeof activitySchema>;
