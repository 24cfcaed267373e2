import { describe, expect, it } from 'vitest';

import {
  compileMapping,
  loadMappingText,
  MappingCompileError,
  quarantineEntries,
  type MappingDoc,
} from '../../src/mapping/index.ts';

const load = (
  fields: string,
  head = 'connector: crm\nstream: leads\nentity: lead\nrecordKey: [store, id]\n',
): MappingDoc => {
  const r = loadMappingText(`${head}fields:\n${fields}`, 't.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.format()).join('\n'));
  return r.doc;
};

describe('compiled mapping', () => {
  const doc = load(`
  id: { from: id, transform: [string], required: true }
  customer.email: { from: contact.email, transform: [email], required: true }
  customer.phone: { from: 'phones[type=cell].number', transform: [phone], direction: both }
  stage:
    from: status
    direction: both
    values: { map: { Open: new, Won: sold, Dead: lost }, default: new, ignoreCase: true }
  vehicle.year: { from: car.year, transform: [{ number: { decimals: 0 } }], when: { system: car.make, exists: true } }
  sourceDetail: { template: '{{provider}} / {{form}}' }
  source: { value: website }
  comments: { from: [note1, note2], transform: [{ join: { separator: ' | ' } }], direction: both }
`);
  const m = compileMapping(doc);

  it('maps in with transforms, filters, value maps, templates, constants and conditions', () => {
    const r = m.in({
      store: 'S1',
      id: 7,
      contact: { email: ' A@B.com' },
      phones: [
        { type: 'home', number: '1' },
        { type: 'cell', number: '650.555.1212' },
      ],
      status: 'WON',
      car: { year: '2024' },
      provider: 'Cars.com',
      note1: 'hi',
      note2: 'there',
    });
    expect(r).toEqual({
      value: {
        id: '7',
        customer: { email: 'a@b.com', phone: '+16505551212' },
        stage: 'sold',
        sourceDetail: 'Cars.com /',
        source: 'website',
        comments: 'hi | there',
      },
      errors: [],
      quarantined: false,
    });
    expect(m.recordKey({ store: 'S1', id: 7 })).toBe('S1:7');
    expect(m.recordKey({ id: 7 })).toBeUndefined();
  });

  it('reports invalid values and quarantines records missing a required field, never dropping silently', () => {
    const rec = { id: 8, contact: { email: 'nope' }, phones: [{ type: 'cell', number: '12' }] };
    const r = m.in(rec);
    expect(r.quarantined).toBe(true);
    expect(r.errors).toEqual([
      {
        field: 'customer.email',
        reason: 'invalid email address "nope"',
        value: 'nope',
        fatal: true,
      },
      { field: 'customer.phone', reason: 'invalid phone number "12"', value: '12', fatal: false },
    ]);
    expect(quarantineEntries(rec, r)[0]).toEqual({
      record: rec,
      field: 'customer.email',
      reason: 'invalid email address "nope"',
    });
    expect(m.in({ contact: { email: 'a@b.co' } }).errors).toEqual([
      { field: 'id', reason: 'required field is missing', fatal: true },
    ]);
  });

  it('maps out through inverses, value-map reverse and multi-path writes', () => {
    const r = m.out({ customer: { phone: '+16505551212' }, stage: 'lost', comments: 'a | b | c' });
    expect(r.value).toEqual({
      phones: [{ type: 'cell', number: '+16505551212' }],
      status: 'Dead',
      note1: 'a',
      note2: 'b | c',
    });
  });

  it('compiles once per content hash', () => {
    expect(compileMapping(doc)).toBe(m);
    expect(m.fields.find((f) => f.name === 'stage')).toEqual({
      name: 'stage',
      direction: 'both',
      owner: 'latest',
      required: false,
    });
  });

  it('refuses to compile a document that does not validate', () => {
    const bad = {
      ...doc,
      hash: 'x',
      fields: { nope: { from: 'a', required: false } },
    } as unknown as MappingDoc;
    expect(() => compileMapping(bad)).toThrow(MappingCompileError);
  });
});
