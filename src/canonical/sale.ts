import { z } from '@hono/zod-openapi';

import { currency, id, isoDate, money, vin } from './common.ts';
import { contactSchema } from './customer.ts';

/** A DMS deal: one vehicle sold to one customer. */
export const saleSchema = z.object({
  id: id.optional().describe('Hub sale id.'),
  dealerId: z.string().optional().describe('DMS dealer (store) id.'),
  dealNumber: z.string().min(1).describe('DMS deal number.'),
  status: z.string().optional().describe('DMS deal status code as exported.'),
  saleDate: isoDate.describe('Date the deal was sold.'),
  contractDate: isoDate.optional().describe('Contract date.'),
  newUsed: z.enum(['new', 'used']).describe('New or used vehicle.'),
  saleType: z.enum(['cash', 'finance', 'lease']).optional().describe('How the deal is paid.'),
  vin: vin.optional(),
  stockNumber: z.string().optional().describe('Dealer stock number.'),
  vehicle: z
    .object({
      year: z.number().int().optional().describe('Model year.'),
      make: z.string().optional().describe('Make.'),
      model: z.string().optional().describe('Model.'),
      trim: z.string().optional().describe('Trim.'),
      odometer: z.number().optional().describe('Odometer reading.'),
    })
    .optional()
    .describe('The vehicle sold.'),
  customer: contactSchema.optional().describe('The buyer.'),
  customerNumber: z.string().optional().describe('DMS customer number.'),
  coBuyerName: z.string().optional().describe('Co-buyer full name.'),
  coBuyer: contactSchema.optional().describe('The co-buyer, as the DMS has them.'),
  price: money.optional().describe('Sale price.'),
  frontGross: money.optional().describe('Front-end gross profit (vehicle).'),
  backGross: money.optional().describe('Back-end gross profit (F&I).'),
  totalGross: money.optional().describe('Total gross profit.'),
  grossDerived: z
    .enum(['frontGross', 'backGross', 'totalGross'])
    .optional()
    .describe(
      'The gross part the export left out, derived from the other two (total = front + back).',
    ),
  currency: currency.optional(),
  tradeVin: vin.optional().describe('VIN of the trade-in.'),
  tradeAcv: money.optional().describe('Actual cash value of the trade-in.'),
  salesperson: z.string().optional().describe('Salesperson.'),
  fiManager: z.string().optional().describe('F&I manager.'),
  leadSource: z.string().optional().describe('Lead source recorded in the DMS.'),
});

/** A canonical sale. */
export type Sale = z.infer<typeof saleSchema>;
