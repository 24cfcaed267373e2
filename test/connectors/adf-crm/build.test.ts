import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

import { buildAdf } from '../../../connectors/adf-crm/build.ts';
import { AdfSettings } from '../../../connectors/adf-crm/settings.ts';
import { validateAdf } from '../../../connectors/adf-crm/validate.ts';
import { PermanentError } from '../../../src/sdk/errors.ts';
import { metaLead } from '../meta/hub-lead.ts';
import { shippedMapping } from '../meta/support.ts';

const settings = AdfSettings.parse({
  leadIntakeUrl: 'http://crm.example/adf',
  vendor: { name: 'Acme Honda of Austin', email: 'leads@acmehonda.example' },
});

async function adfOut(lead: Record<string, unknown>) {
  const out = (await shippedMapping('adf-lead')).out(lead);
  expect(out.quarantined).toBe(false);
  return out.value;
}

const build = (record: Record<string, unknown>, status: 'new' | 'resend' = 'new') =>
  buildAdf(record, { canonicalId: 'lead_01JCW8T4M2', status, settings });
const read = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(
    xml,
  ) as {
    adf: { prospect: Record<string, unknown> };
  };

describe('buildAdf on a Meta lead mapped by mappings/adf-lead.yaml', () => {
  it('writes a valid ADF 1.0 document with the campaign context', async () => {
    const xml = build(await adfOut(metaLead));
    expect(validateAdf(xml)).toEqual([]);
    expect(
      xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<?adf version="1.0"?>\n<adf>'),
    ).toBe(true);
    const p = read(xml).adf.prospect;
    expect(p['@status']).toBe('new');
    expect(p.id).toEqual([
      { '@sequence': '1', '@source': 'DealerLoop', '#text': 'lead_01JCW8T4M2' },
      { '@source': 'Meta Lead Ads', '#text': '1327461758824197' },
    ]);
    // The store's zone, with a full offset.
    expect(p.requestdate).toBe('2025-11-20T04:05:04-06:00');
    expect(p.vehicle).toEqual({
      '@interest': 'buy',
      '@status': 'new',
      year: '',
      make: '',
      model: '',
    });
    const customer = p.customer as { comments: string; contact: Record<string, unknown> };
    expect(customer.comments).toBe(
      [
        '2026 Civic EX',
        '',
        'Campaign: Q4 Civic Test Drive (id 120215834455660471)',
        `Source: ${metaLead.sourceDetail}`,
        'Ids: ad set 120215834455660498, ad 120215834455660512, form 1187339126064512',
      ].join('\n'),
    );
    expect(customer.contact).toMatchObject({
      email: 'jane.doe@example.com',
      phone: { '@type': 'voice', '#text': '+1 512 555 0142' },
      address: { street: { '@line': '1' }, postalcode: '78701-1234' },
    });
    expect(p.vendor).toEqual({
      vendorname: 'Acme Honda of Austin',
      contact: {
        name: { '@part': 'full', '#text': 'Internet Sales' },
        email: 'leads@acmehonda.example',
      },
    });
    expect(p.provider).toEqual({
      id: [
        { '@source': 'meta:campaign', '#text': '120215834455660471' },
        { '@source': 'meta:adset', '#text': '120215834455660498' },
        { '@source': 'meta:ad', '#text': '120215834455660512' },
        { '@source': 'meta:form', '#text': '1187339126064512' },
      ],
      name: 'Meta Lead Ads',
      service: 'Q4 Civic Test Drive',
    });
  });

  it('escapes markup in free text and marks a redelivery as resend', async () => {
    const xml = build(
      await adfOut({ ...metaLead, comments: 'Trade <2017 Accord> & cash "today"' }),
      'resend',
    );
    expect(validateAdf(xml)).toEqual([]);
    expect(xml).toContain('Trade &lt;2017 Accord&gt; &amp; cash');
    expect(xml).toContain('<prospect status="resend">');
  });

  it('fills a name the DTD requires and falls back to the provider setting for unknown sources', async () => {
    const { firstName: _f, lastName: _l, ...customer } = metaLead.customer!;
    const xml = build(await adfOut({ ...metaLead, source: 'carsdotcom', customer }));
    expect(validateAdf(xml)).toEqual([]);
    expect(xml).toContain('<name part="full">Unknown</name>');
    expect(xml).toMatch(/<name part="full">DealerLoop<\/name>\s*<service>Q4 Civic Test Drive/);
  });

  it('refuses a lead with neither email nor phone, and a context key it does not know', async () => {
    const noContact = await adfOut({ ...metaLead, customer: { firstName: 'Jane' } });
    expect(() => build(noContact)).toThrow(PermanentError);
    expect(() => build(noContact)).toThrow(/neither email nor phone/);
    const withBadContext = { ...(await adfOut(metaLead)), context: { utm: 'x' } };
    expect(() => build(withBadContext)).toThrow(/context: /);
  });

  it('writes Z times with a numeric offset', () => {
    const xml = build({
      prospect: {
        requestdate: '2025-11-20T10:05:04Z',
        customer: { contact: { email: { '#text': 'a@b.example' } } },
      },
    });
    expect(xml).toContain('<requestdate>2025-11-20T10:05:04+00:00</requestdate>');
    expect(validateAdf(xml)).toEqual([]);
  });
});
