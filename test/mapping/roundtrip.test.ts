import { readdirSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { compileCondition } from '../../src/mapping/condition.ts';
import {
  compileGetter,
  compileMapping,
  compileSetter,
  loadMappingFile,
  type FieldSpec,
} from '../../src/mapping/index.ts';

// Property: for every `both` field of every shipped mapping, mapping a record in, then out, then
// in again gives the same normalized canonical value (out ∘ in is the identity on normalized data).
const phone = fc
  .tuple(
    fc.constantFrom(212, 312, 650, 713, 416),
    fc.integer({ min: 200, max: 999 }),
    fc.integer({ min: 1000, max: 9999 }),
  )
  .chain(([a, x, n]) =>
    fc.constantFrom(
      `(${a}) ${x}-${n}`,
      `${a}.${x}.${n}`,
      `+1 ${a} ${x} ${n}`,
      `${a}${x}${n}`,
      '555-12',
    ),
  );
const word = fc.stringMatching(/^[A-Za-z' -]{0,12}$/);
const text = fc.oneof(word, fc.string({ maxLength: 12 }));

// Canonical fields whose schema takes only some values (enums, lists): random text alone would
// never reach them, so they get the values their schema takes (src/canonical/), and text too.
const schemaValues: Record<string, fc.Arbitrary<unknown>> = {
  'vehicle.interest': fc.constantFrom('buy', 'lease', 'sell', 'trade-in', 'test-drive'),
  'vehicle.status': fc.constantFrom('new', 'used'),
  tags: fc.array(word, { maxLength: 3 }),
};

function arbitraryFor(name: string, spec: FieldSpec): fc.Arbitrary<unknown> {
  const values = schemaValues[name];
  if (values) return fc.oneof(values, text);
  if (spec.values) return fc.oneof(fc.constantFrom(...Object.keys(spec.values.map)), text);
  const names = (spec.transform ?? []).map((s) => (typeof s === 'string' ? s : Object.keys(s)[0]));
  if (names.includes('email')) return fc.oneof(fc.emailAddress(), text);
  if (names.includes('phone')) return phone;
  if (names.includes('postal'))
    return fc.oneof(
      fc.stringMatching(/^\d{5}(-\d{4})?$/),
      fc.constantFrom('K1A 0B1', 'm5v3l9'),
      text,
    );
  if (names.includes('vin'))
    return fc.constantFrom('1HGCM82633A004352', '1hgcm82633a004352', 'bad');
  if (names.includes('number'))
    return fc.oneof(fc.integer({ min: 1990, max: 2030 }).map(String), text);
  if (names.includes('datetime'))
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  return text;
}

/** The `both` fields of every shipped mapping that has some: the others have nothing to round-trip. */
const shipped = await Promise.all(
  readdirSync('mappings')
    .filter((f) => f.endsWith('.yaml'))
    .map(async (file) => {
      const loaded = await loadMappingFile(`mappings/${file}`);
      if (!loaded.ok) throw new Error(`mappings/${file} does not load`);
      const both = Object.entries(loaded.doc.fields).filter(
        ([, f]) =>
          (f.direction ?? loaded.doc.defaults.direction) === 'both' &&
          'from' in f &&
          typeof f.from === 'string',
      );
      return { file, doc: loaded.doc, both };
    }),
);
const roundTripping = shipped.filter((s) => s.both.length > 0);

it('the mappings that write back to their system are all round-tripped below', () => {
  expect(roundTripping.map((s) => s.file)).toEqual(
    expect.arrayContaining(['adf-lead.yaml', 'hubspot-contacts.yaml', 'mailchimp-members.yaml']),
  );
});

describe.each(roundTripping)('$file', ({ doc, both }) => {
  it('out then in returns the normalized value of every both field', () => {
    const m = compileMapping(doc);
    const arbs = Object.fromEntries(
      both.map(([name, f]) => [(f as { from: string }).from, arbitraryFor(name, f)]),
    );
    // A field mapped only `when` a condition holds round-trips only where it holds (e.g. HubSpot's
    // lifecycle stage goes out for owners only).
    const readers = both.map(
      ([name, f]) => [name, compileGetter(name), f.when && compileCondition(f.when)] as const,
    );
    fc.assert(
      fc.property(fc.record(arbs, { requiredKeys: [] }), (flat) => {
        const system: Record<string, unknown> = {};
        for (const [path, v] of Object.entries(flat)) compileSetter(path)(system, v);
        const canonical = m.in(system).value;
        const again = m.in(m.out(canonical).value).value;
        for (const [name, get, when] of readers) {
          if (when && !when(system, canonical)) continue;
          expect([name, get(again)]).toEqual([name, get(canonical)]);
        }
      }),
      { numRuns: 400 },
    );
  });
});
