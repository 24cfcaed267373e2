import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { buildAdf } from '../../../connectors/adf-crm/build.ts';
import { decodeAdf, parseAdf, repairOffset } from '../../../connectors/adf-crm/parse.ts';
import { AdfSettings } from '../../../connectors/adf-crm/settings.ts';
import { PermanentError } from '../../../src/sdk/errors.ts';
import { metaLead } from '../meta/hub-lead.ts';
import { shippedMapping } from '../meta/support.ts';

const fixture = (name: string) => readFileSync(`connectors/adf-crm/fixtures/${name}`, 'utf8');

describe('parseAdf: real-world deviations', () => {
  it('reads a feed with a BOM, the instruction first, upper-case names and non-DTD values', async () => {
    const text = fixture('vendor-uppercase-bom.xml');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [record] = parseAdf(text);
    const p = record!.prospect as Record<string, unknown>;
    expect(p['@status']).toBe('new');
    expect(p.requestdate).toBe('2025-11-20T08:14:55-06:00');
    expect(p.vehicle).toEqual([
      {
        '@interest': 'test-drive',
        '@status': 'new',
        year: '2026',
        make: 'HONDA',
        model: 'CR-V',
        trim: 'EX-L',
      },
    ]);
    const contact = (p.customer as Record<string, Record<string, unknown>>).contact!;
    expect(contact['@primarycontact']).toBe('1');
    expect(contact.phone).toEqual([
      {
        '@type': 'cellphone',
        '@time': 'evening',
        '@preferredcontact': '0',
        '#text': '(512) 555-0199',
      },
      {
        '@type': 'voice',
        '@time': 'nopreference',
        '@preferredcontact': '0',
        '#text': '512.555.0100',
      },
    ]);
    expect(contact.name).toEqual([
      { '@part': 'full', '@type': 'individual', '#text': 'Luis  Hernández' },
      { '@part': 'first', '@type': 'individual', '#text': 'Luis' },
      { '@part': 'last', '@type': 'individual', '#text': 'Hernández' },
    ]);
    expect((p.customer as Record<string, unknown>).comments).toBe(
      'Is the CR-V EX-L available this weekend? Trade: 2017 Accord & cash',
    );

    const lead = (await shippedMapping('adf-lead')).in(record!);
    expect(lead.quarantined).toBe(false);
    expect(lead.value).toMatchObject({
      createdAt: '2025-11-20T14:14:55Z',
      vehicle: { interest: 'test-drive', status: 'new', year: 2026, make: 'HONDA', model: 'CR-V' },
      customer: {
        firstName: 'Luis',
        lastName: 'Hernández',
        email: 'luis.hernandez@example.com',
        phone: '+15125550100',
        mobilePhone: '+15125550199',
        address: { line1: '4410 Burnet Rd', city: 'Austin', state: 'TX', postalCode: '78756' },
      },
    });
  });

  it('reads a feed without the instruction, with cut-short offsets, several prospects and no ids', async () => {
    const records = parseAdf(fixture('vendor-loose.xml'));
    expect(records).toHaveLength(2);
    const [first, second] = records.map((r) => r.prospect as Record<string, unknown>);
    expect(first!.requestdate).toBe('2025-11-20T14:02:11-08:00');
    expect(first!.id).toEqual([
      { '@source': 'DealerLoop content hash', '#text': expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    // The same document twice gives the same id: a redelivery is the same record.
    expect(parseAdf(fixture('vendor-loose.xml'))[0]!.prospect).toEqual(first);
    expect(second!['@status']).toBe('resend');
    const m = await shippedMapping('adf-lead');
    expect(m.recordKey(records[1]!)).toBe('AT-5521');
    expect(m.in(records[0]!).value).toMatchObject({
      createdAt: '2025-11-20T22:02:11Z',
      customer: { firstName: 'Dana', lastName: 'Whitfield', phone: '+15125550123' },
    });
    expect(m.in(records[1]!).value).toMatchObject({
      customer: { firstName: 'Sam', lastName: 'Lee', email: 'sam.lee@example.com' },
      vehicle: { interest: 'trade-in', status: 'used', year: 2015 },
    });
  });

  it('repairs offsets without a colon or cut short, and leaves other text alone', () => {
    expect(repairOffset('2025-03-30T15:30:20-0800')).toBe('2025-03-30T15:30:20-08:00');
    expect(repairOffset('2025-03-30T15:30:20-08:0')).toBe('2025-03-30T15:30:20-08:00');
    expect(repairOffset('2025-03-30T15:30:20 +5:30')).toBe('2025-03-30T15:30:20+05:30');
    expect(repairOffset('2025-03-30T15:30:20Z')).toBe('2025-03-30T15:30:20Z');
    expect(repairOffset('2025-03-30')).toBe('2025-03-30');
  });

  it('decodes a document by the charset its declaration or Content-Type names', () => {
    const latin1 = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?><adf><prospect><name>Hernández</name></prospect></adf>',
      'latin1',
    );
    expect(decodeAdf(latin1)).toContain('Hernández');
    expect(
      decodeAdf(Buffer.from('<adf>Peña</adf>', 'latin1'), 'text/xml; charset=windows-1252'),
    ).toBe('<adf>Peña</adf>');
    expect(decodeAdf(Buffer.from('<adf>Peña</adf>'))).toBe('<adf>Peña</adf>');
    expect(decodeAdf(Buffer.from('<adf>x</adf>'), 'text/xml; charset=klingon')).toBe(
      '<adf>x</adf>',
    );
  });

  it('refuses what is not XML or holds no prospect', () => {
    expect(() => parseAdf('name=Jane&email=jane@example.com')).toThrow(PermanentError);
    expect(() => parseAdf('<adf><prospect><id>1</prospect></adf>')).toThrow(/not well-formed/);
    expect(() => parseAdf('<?xml version="1.0"?><adf></adf>')).toThrow(/no <prospect>/);
  });
});

describe('ADF out and back in', () => {
  it('gives back the lead it was built from', async () => {
    const m = await shippedMapping('adf-lead');
    const settings = AdfSettings.parse({
      leadIntakeUrl: 'http://crm.example/adf',
      vendor: { name: 'Acme Honda', phone: '512-555-0000' },
    });
    const xml = buildAdf(m.out(metaLead).value, {
      canonicalId: metaLead.id,
      status: 'new',
      settings,
    });
    const [record] = parseAdf(xml);
    expect(m.recordKey(record!)).toBe(metaLead.id);
    const back = m.in(record!);
    expect(back.errors).toEqual([]);
    expect(back.value).toEqual({
      createdAt: metaLead.createdAt,
      clickIds: metaLead.clickIds,
      vehicle: { interest: 'buy', status: 'new' },
      customer: metaLead.customer,
      comments: expect.stringContaining('2026 Civic EX\n\nCampaign: Q4 Civic Test Drive'),
    });
  });
});
