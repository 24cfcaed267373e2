import type { ResponseReport } from '../attribution/response-time.ts';
import type { Hub } from '../hub.ts';
import { RecordStore } from '../records/record-store.ts';
import type { UnansweredWho } from './pages/accountability.tsx';

const text = (v: unknown) => (typeof v === 'string' && v ? v : null);

/**
 * Who the unanswered leads are, so a manager can call them back from the page: each lead's source
 * and campaign name (else id), each customer's name (or company), email and phone. Two HMGETs.
 */
export async function unansweredWho(
  hub: Hub,
  tenantId: string,
  r: ResponseReport,
): Promise<UnansweredWho> {
  const store = new RecordStore(hub.redis, hub.keys);
  const leadIds = r.unansweredLeads.map((l) => l.leadId);
  const customerIds = [...new Set(r.unansweredLeads.map((l) => l.customerId).filter((x) => !!x))];
  const [leads, customers] = await Promise.all([
    store.getMany(tenantId, 'lead', leadIds, { lean: true }),
    store.getMany(tenantId, 'customer', customerIds as string[], { lean: true }),
  ]);
  const who: { leads: Map<string, string>; customers: Map<string, string> } = {
    leads: new Map(),
    customers: new Map(),
  };
  for (const l of leads) {
    if (!l) continue;
    const parts = [text(l.f.source), text(l.f.campaignName) ?? text(l.f.campaignId)];
    who.leads.set(l.id, parts.filter((x) => x).join(' · '));
  }
  for (const c of customers) {
    if (!c) continue;
    const name =
      text(c.f.companyName) ?? [text(c.f.firstName), text(c.f.lastName)].filter((x) => x).join(' ');
    const phone = text(c.f.mobilePhone) ?? text(c.f.phone) ?? text(c.f.workPhone);
    const parts = [name || null, text(c.f.email), phone].filter((x) => x);
    if (parts.length) who.customers.set(c.id, parts.join(' · '));
  }
  return who;
}
