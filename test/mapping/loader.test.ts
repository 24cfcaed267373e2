import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  loadMappingFile,
  loadMappingText,
  mappingJsonSchema,
  SCHEMA_FILE,
} from '../../src/mapping/index.ts';

const shipped = readdirSync('mappings').filter((f) => f.endsWith('.yaml'));
const messages = async (file: string) => {
  const r = await loadMappingFile(file);
  return r.ok ? [] : r.errors.map((e) => e.format());
};

describe('shipped mappings', () => {
  it('ships the five default mappings', () => {
    expect(shipped).toEqual(
      expect.arrayContaining([
        'meta-leads.yaml',
        'hubspot-contacts.yaml',
        'mailchimp-members.yaml',
        'dms-sales.yaml',
        'adf-lead.yaml',
      ]),
    );
  });

  it.each(shipped)('%s validates and references the JSON Schema', async (name) => {
    expect(await messages(`mappings/${name}`)).toEqual([]);
    expect(readFileSync(`mappings/${name}`, 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./mapping.schema.json',
    );
  });

  it('the committed JSON Schema equals a fresh generation from the zod schema', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(mappingJsonSchema());
  });
});

describe('errors', () => {
  it('reports every mistake of the broken fixture with file, line, column, path and suggestion', async () => {
    const f = 'test/mapping/fixtures/broken-meta-leads.yaml';
    expect(await messages(f)).toEqual([
      `${f}:18:9 fields.customer.phone.transform[1]: unknown transform "phon" — did you mean "phone"?`,
      `${f}:19:3 fields.customer.emial: unknown lead field "customer.emial" — did you mean "customer.email"?`,
      `${f}:25:41 fields.stage.values.map.DEAD: "lots" is not a stage value (new, contacted, appointment, shown, sold, lost) — did you mean "lost"?`,
      `${f}:27:5 fields.customer.email: a field needs one source: from, value or template`,
      `${f}:27:5 fields.customer.email.frm: unknown key "frm" — did you mean "from"?`,
      `${f}:31:17 fields.source.transform[0]: transform "sha256" cannot be inverted, so the field cannot be "both"; use direction in or out`,
    ]);
  });

  const base = 'connector: meta\nstream: leads\nentity: lead\nrecordKey: id\nfields:\n';
  const errs = (text: string) => {
    const r = loadMappingText(text, 'm.yaml');
    return r.ok ? [] : r.errors.map((e) => e.format());
  };

  it('locates YAML syntax errors', () => {
    expect(errs(`${base}  id: [from: x\n`)[0]).toMatch(/^m\.yaml:7:1 YAML: Flow sequence/);
  });

  it('suggests near-miss top-level keys and entity names', () => {
    expect(
      errs('connector: meta\nstream: leads\nentity: leads\nrecrdKey: id\nfields: {}\n'),
    ).toEqual([
      'm.yaml:1:1 recordKey: missing required key "recordKey"',
      'm.yaml:3:9 entity: "leads" is not one of customer, lead, touchpoint, sale, activity, campaign, spend, conversion — did you mean "lead"?',
      'm.yaml:4:1 recrdKey: unknown key "recrdKey" — did you mean "recordKey"?',
    ]);
  });

  it('explains bad transform options, bad paths, and two sources', () => {
    expect(
      errs(`${base}  customer.phone:\n    from: a\n    transform: [{ phone: { country: USA } }]\n`),
    ).toEqual([
      'm.yaml:8:37 fields.customer.phone.transform[0].phone.country: must be an ISO 3166-1 alpha-2 code such as US',
    ]);
    expect(errs(`${base}  id:\n    from: 'a..b'\n`)).toEqual([
      'm.yaml:7:11 fields.id.from: expected a name (character 3)',
    ]);
    expect(errs(`${base}  id:\n    from: a\n    value: x\n`)).toEqual([
      'm.yaml:7:5 fields.id: a field has one source, but this one has "from" and "value"',
    ]);
  });

  it('rejects what a platform does not hash and unknown time zones', () => {
    const text = `${base}  id:\n    from: a\n    transform: [{ sha256: { platform: google, field: zip } }]\n`;
    expect(errs(text)).toEqual([
      'm.yaml:8:17 fields.id.transform[0]: google does not take zip hashed; send it in clear',
    ]);
    expect(
      errs(
        `${base}  createdAt:\n    from: a\n    transform: [{ datetime: { zone: Mars/Base } }]\n`,
      )[0],
    ).toContain('fields.createdAt.transform[0].datetime.zone: not an IANA time zone');
  });

  it('takes landsOn on lead mappings only, naming fields the file maps in', () => {
    const fields = '  createdAt: { from: c, transform: [datetime] }\n  stage: { from: s }\n';
    const lead = (landsOn: string) =>
      errs(
        `connector: hubspot\nstream: deals\nentity: lead\nrecordKey: id\n${landsOn}fields:\n${fields}`,
      );
    expect(
      lead('landsOn:\n  fields: [stage]\n  origin: { sink: leads, ids: contactIds }\n'),
    ).toEqual([]);
    expect(lead('landsOn:\n  fields: [stage, assignedTo]\n')).toEqual([
      'm.yaml:6:19 landsOn.fields[1]: "assignedTo" is not a field this mapping maps in',
    ]);
    const sale =
      'connector: dms\nstream: sales\nentity: sale\nrecordKey: deal\nlandsOn: { fields: [dealNumber] }\nfields:\n  dealNumber: { from: deal }\n  saleDate: { from: d, transform: [date] }\n';
    expect(errs(sale)).toContain('m.yaml:5:1 landsOn: landsOn is for lead mappings only');
  });

  it('requires the fields the entity requires when the mapping reads records in', () => {
    const text =
      'connector: dms\nstream: sales\nentity: sale\nrecordKey: deal\nfields:\n  vin: { from: vin }\n';
    expect(errs(text)).toContain(
      'm.yaml:5:1 fields: sale requires "dealNumber" but no in field maps it',
    );
  });
});
