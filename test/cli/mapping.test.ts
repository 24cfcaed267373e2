import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Command } from 'commander';
import { describe, expect, it } from 'vitest';

import {
  previewMapping,
  registerMappingCommands,
  validateMappings,
  writeMappingSchema,
} from '../../src/cli/mapping.ts';
import { mappingJsonSchema } from '../../src/mapping/index.ts';

const capture = () => {
  let text = '';
  return { io: { out: (t: string) => void (text += t) }, text: () => text };
};
const broken = 'test/mapping/fixtures/broken-meta-leads.yaml';

describe('dealerloop mapping', () => {
  it('validate: every shipped mapping, exit 0', async () => {
    const c = capture();
    expect(await validateMappings([], {}, c.io)).toBe(0);
    const shipped = readdirSync('mappings').filter((f) => f.endsWith('.yaml'));
    expect(c.text()).toMatch(
      /^ok {4}mappings\/meta-leads\.yaml \(meta\.leads → lead, \d+ fields\)$/m,
    );
    expect(c.text().match(/^ok /gm)).toHaveLength(shipped.length);
    expect(c.text()).toMatch(new RegExp(`${shipped.length} mapping\\(s\\) valid\\n$`));
  });

  it('validate: a broken file prints each error on one line and exits 1', async () => {
    const c = capture();
    expect(await validateMappings([broken], {}, c.io)).toBe(1);
    expect(c.text()).toContain(
      `${broken}:18:9 fields.customer.phone.transform[1]: unknown transform "phon" — did you mean "phone"?\n`,
    );
    expect(c.text()).toContain('1 of 1 mapping(s) invalid, 6 error(s)');
  });

  it('validate --json gives the errors as data', async () => {
    const c = capture();
    await validateMappings([broken, 'mappings/dms-sales.yaml'], { json: true }, c.io);
    const out = JSON.parse(c.text());
    expect(out.ok).toBe(false);
    expect(out.files[0].errors[0]).toEqual({
      file: broken,
      line: 18,
      column: 9,
      path: 'fields.customer.phone.transform[1]',
      message: 'unknown transform "phon" — did you mean "phone"?',
    });
    expect(out.files[1]).toEqual({ file: 'mappings/dms-sales.yaml', ok: true, errors: [] });
  });

  it('preview prints the mapped record and every field error', async () => {
    const c = capture();
    const code = await previewMapping(
      'mappings/hubspot-contacts.yaml',
      { input: 'test/mapping/fixtures/crm-lead.json' },
      c.io,
    );
    expect(code).toBe(0);
    expect(c.text()).toContain('record 501\n');
    expect(c.text()).toContain('"email": "jane.doe@example.com"');
    expect(c.text()).toContain('"lastName": "O\'Neil"');
    expect(c.text()).toContain(
      'warn  mobilePhone: invalid phone number "not a phone" (value "not a phone")',
    );
  });

  it('preview --direction out --json writes the system record', async () => {
    const c = capture();
    const dir = mkdtempSync(join(tmpdir(), 'dl-map-'));
    const input = join(dir, 'lead.json');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(input, JSON.stringify({ stage: 'shown', customer: { email: 'a@b.co' } })),
    );
    await previewMapping(
      'mappings/hubspot-leads.yaml',
      { input, direction: 'out', json: true },
      c.io,
    );
    expect(JSON.parse(c.text()).results[0].value).toEqual({
      properties: { email: 'a@b.co', hs_lead_status: 'OPEN_DEAL' },
    });
  });

  it('schema writes the generated JSON Schema', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dl-schema-')), 's.json');
    const c = capture();
    expect(await writeMappingSchema({ out }, c.io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(mappingJsonSchema());
  });

  it("registers validate, preview, schema and the tenant's own (save ... delete) under mapping", () => {
    const program = new Command('dealerloop');
    registerMappingCommands(program);
    const mapping = program.commands.find((cmd) => cmd.name() === 'mapping')!;
    expect(mapping.commands.map((cmd) => cmd.name())).toEqual([
      'validate',
      'preview',
      'schema',
      'save',
      'show',
      'versions',
      'list',
      'delete',
    ]);
  });
});
