import { z } from '@hono/zod-openapi';

import { address, e164, email, id, isoDateTime } from './common.ts';

/** Email marketing status of a person, the same for every email tool. */
export const emailStatus = z
  .enum(['subscribed', 'unsubscribed', 'pending', 'cleaned', 'transactional'])
  .describe('Email marketing status.');

/**
 * The contact details of a person as a lead, touchpoint or sale carries them; identity resolution
 * turns them into a customer.
 */
export const contactSchema = z.object({
  firstName: z.string().optional().describe('Given name.'),
  middleName: z.string().optional().describe('Middle name or initial.'),
  lastName: z.string().optional().describe('Family name.'),
  companyName: z
    .string()
    .optional()
    .describe('Company name when the person is a business buyer, e.g. GREENBELT LAWN CARE.'),
  isBusiness: z
    .boolean()
    .optional()
    .describe('A business, not a person: identity matches it by email and phone only.'),
  email: email.optional(),
  phone: e164.optional(),
  mobilePhone: e164.optional().describe('Mobile phone in E.164.'),
  workPhone: e164.optional().describe('Work phone in E.164.'),
  address: address.optional(),
});

/** A person known to the dealership: prospect or owner. */
export const customerSchema = contactSchema.extend({
  id: id.optional().describe('Hub customer id.'),
  type: z.enum(['prospect', 'owner']).optional().describe('Prospect, or owner (has bought).'),
  emailStatus: emailStatus.optional(),
  tags: z.array(z.string()).optional().describe('Free tags, e.g. from the email tool.'),
  mergedInto: id
    .optional()
    .describe('Set when identity merged this customer into another: the surviving customer id.'),
  createdAt: isoDateTime.optional(),
  updatedAt: isoDateTime.optional(),
});

/** Contact details carried by other records. */
export type Contact = z.infer<typeof contactSchema>;
/** A canonical customer. */
export type Customer = z.infer<typeof customerSchema>;
