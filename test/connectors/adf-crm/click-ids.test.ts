import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { buildAdf } from '../../../connectors/adf-crm/build.ts';
import { parseAdf } from '../../../connectors/adf-crm/parse.ts';
import { AdfSettings } from '../../../connectors/adf-crm/settings.ts';
import { shippedMapping } from '../meta/support.ts';

const xml = readFileSync('test/fixtures/adf/website-click-ids.xml', 'utf8');

describe('Google click ids on ADF website leads', () => {
  it('maps <id source="gclid|gbraid|wbraid"> to clickIds, whatever the source spelling', async () => {
    const m = await shippedMapping('adf-lead');
    const [first, second] = parseAdf(xml).map((r) => ({ key: m.recordKey(r), ...m.in(r) }));
    expect(first!.errors).toEqual([]);
    expect(first!.key).toBe('WEB-2025-118734');
    expect(first!.value.clickIds).toEqual({ gclid: 'Cj0KCQiA4L67BhDUARIsADWrl7Hq3Xk9vQ_wcB' });
    expect(first!.value.customer).toMatchObject({
      lastName: 'Washington-Moore',
      mobilePhone: '+15125550177',
    });
    expect(second!.value.clickIds).toEqual({
      gbraid: '0AAAAAo_Qf1v8ZBLhxq9Zx7Q3mJ',
      wbraid: 'CkcKCQiA4L67BhCEARI2ALo',
    });
  });

  it('writes the click ids into the ADF sent to the CRM and reads them back', async () => {
    const m = await shippedMapping('adf-lead');
    const settings = AdfSettings.parse({
      leadIntakeUrl: 'http://crm.example/adf',
      vendor: { name: 'Acme Honda', phone: '512-555-0000' },
    });
    const lead = {
      id: 'lead_01JD2KX9',
      createdAt: '2025-11-25T00:22:40Z',
      source: 'website' as const,
      clickIds: { gclid: 'EAIaIQobChMI8pLx', wbraid: 'CkcKCQiA4L67' },
      customer: { firstName: 'Lakisha', lastName: 'Moore', email: 'lakisha.wm@icloud.com' },
    };
    const out = buildAdf(m.out(lead).value, { canonicalId: lead.id, status: 'new', settings });
    expect(out).toContain('<id source="gclid">EAIaIQobChMI8pLx</id>');
    const back = m.in(parseAdf(out)[0]!);
    expect(back.value.clickIds).toEqual(lead.clickIds);
  });
});
