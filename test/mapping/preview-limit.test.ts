import { describe, expect, it } from 'vitest';

import { loadMappingText, previewInWorker, type MappingDoc } from '../../src/mapping/index.ts';

// Issue 16, "Mapping validation": a `matches: "^(a+)+$"` pattern passed validation and then hung
// a preview on a 33-character value. Validation now refuses it (limits.test.ts, regex tests);
// the preview's time limit is the second line of defence, for what a check cannot prove.

const text = (when: string, transform = '[trim]') =>
  'connector: hubspot\nstream: contacts\nentity: customer\nrecordKey: id\nfields:\n' +
  `  email: { from: email }\n  lastName:\n    from: name\n    transform: ${transform}\n` +
  `    when: ${when}\n`;

const docOf = (yaml: string): MappingDoc => {
  const loaded = loadMappingText(yaml, 'p.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.format()).join('\n'));
  return loaded.doc;
};

describe('mapping preview time limit', () => {
  it('validation refuses ^(a+)+$ in when.matches, located', () => {
    const r = loadMappingText(text('{ system: name, matches: "^(a+)+$" }'), 'p.yaml');
    expect(r.ok ? [] : r.errors.map((e) => e.format())).toEqual([
      expect.stringMatching(
        /^p\.yaml:10:36 fields\.lastName\.when\.matches: pattern "\^\(a\+\)\+\$" can backtrack catastrophically/,
      ),
    ]);
  });

  it('a pattern that hangs the engine is cut off at the limit; the next preview runs', async () => {
    const safe = docOf(text('{ system: name, matches: "^a+$" }'));
    // The check's verdict replaced after validation: what a check could miss, run as it would.
    const field = safe.fields.lastName!;
    const hostile: MappingDoc = {
      ...safe,
      fields: {
        ...safe.fields,
        lastName: { ...field, when: { system: 'name', matches: '^(a+)+$' } },
      },
    };
    const record = { id: '1', email: 'a@example.com', name: `${'a'.repeat(33)}!` };
    const cut = await previewInWorker({ doc: hostile, records: [record], direction: 'in' }, 1_000);
    expect(cut).toEqual({
      ok: false,
      problem: expect.stringMatching(
        /^preview stopped: .* time limit \(PREVIEW_TIME_LIMIT_MS\).* \(1000 ms\)$/,
      ),
    });
    const fine = await previewInWorker({ doc: safe, records: [record], direction: 'in' }, 60_000);
    expect(fine.ok && fine.results[0]!.value).toEqual({ email: 'a@example.com' });
  });

  it('a validated pattern that is slow only on a hostile value (\\s+$) is cut off too', async () => {
    const doc = docOf(
      text('{ system: name, exists: true }', "[{ replace: { pattern: '\\s+$' } }]"),
    );
    const record = { id: '1', email: 'a@example.com', name: `${' '.repeat(300_000)}x` };
    const cut = await previewInWorker({ doc, records: [record], direction: 'in' }, 1_000);
    expect(cut.ok).toBe(false);
    const short = await previewInWorker(
      { doc, records: [{ ...record, name: 'Smith  ' }], direction: 'in' },
      60_000,
    );
    expect(short.ok && short.results[0]!.value).toEqual({
      email: 'a@example.com',
      lastName: 'Smith',
    });
  });
});
