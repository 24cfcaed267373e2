import type { FakeObject } from '../../../src/sandbox/hubspot/search.ts';

/** First modification time of the generated contacts. */
export const GEN_T0 = Date.parse('2026-10-01T08:00:00.000Z');

/**
 * `n` contacts modified one second apart, except a cluster of `tieSize` from position `tieFrom`
 * that share one modification time (a bulk import or workflow touched them at once). Ids are a
 * permutation unrelated to time order, as HubSpot's are once records have been edited.
 */
export function generateContacts(n: number, tieFrom: number, tieSize: number): FakeObject[] {
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(GEN_T0 + (i >= tieFrom && i < tieFrom + tieSize ? tieFrom : i) * 1000);
    const id = String(100_001 + ((i * 7919) % n));
    const created = new Date(GEN_T0 - 86_400_000).toISOString();
    return {
      id,
      properties: {
        hs_object_id: id,
        email: `buyer${i}@example.com`,
        firstname: `Pat${i}`,
        lastname: `Buyer${i % 97}`,
        phone: `+1512${5_550_000 + i}`,
        zip: '78701',
        hs_lead_status: 'NEW',
        createdate: created,
        lastmodifieddate: at.toISOString(),
      },
      createdAt: created,
      updatedAt: at.toISOString(),
    };
  });
}
