import { describe, expect, it } from 'vitest';

import { compileMapping, loadMappingText } from '../../src/mapping/index.ts';

// A hostile-input corpus for mapping files: each text is refused with errors that name the file,
// a line and column inside the text and the reason, and loading never throws (size, alias bombs
// and depth have their own tests in test/mapping/limits.test.ts).
const head = 'connector: hubspot\nstream: contacts\nentity: customer\nrecordKey: id\nfields:\n';
const field = (yaml: string) => `${head}  email:\n    from: email\n${yaml}`;

const corpus: [string, string, RegExp][] = [
  ['an empty file', '', /missing required key "connector"/],
  ['NUL bytes', '\u0000\u0001\ufffe', /null byte/],
  ['a list, not a mapping', '- a\n- b\n', /expected object/],
  ['a scalar', 'hello', /expected object/],
  ['a !!js/function tag', `${head}  email: !!js/function "function(){}"\n`, /unknown tag/],
  ['a !!python/object tag', `${head}  email: !!python/object:os.system {}\n`, /unknown tag/],
  ['a local tag', `${head}  email: !custom { from: a }\n`, /unknown tag/],
  ['two documents', `${head}  email: { from: email }\n---\nconnector: x\n`, /multiple documents/],
  ['tab indentation', `${head}\temail: { from: email }\n`, /Tabs/],
  ['a field named __proto__', `${head}  __proto__:\n    from: email\n`, /"__proto__" cannot be/],
  [
    'a __proto__ entry in a value map',
    field('  firstName:\n    from: n\n    values:\n      map:\n        __proto__: x\n'),
    /values\.map\.__proto__: "__proto__" cannot be used as a key/,
  ],
  ['a path through __proto__', `${head}  "a.__proto__.b":\n    from: email\n`, /unknown customer/],
  ['a 1 MB key', `${head}  ${'k'.repeat(1_000_000)}: { from: email }\n`, /unknown customer/],
  ['an invalid pattern', field('    when: { matches: "[" }\n'), /not a valid regular/],
  ['a backtracking pattern', field('    when: { matches: "(a|a)*$" }\n'), /catastrophic/],
  ['a YAML merge key', `${head}  b: &b { from: email }\n  email: { <<: *b }\n`, /unknown key "<<"/],
  ['an unknown transform', `${head}  email: { from: email, transform: [rot13] }\n`, /rot13/],
];

describe('a hostile-input corpus of mapping files', () => {
  it.each(corpus)('%s: refused with located errors', (_what, text, reason) => {
    const loaded = loadMappingText(text, 'hostile.yaml');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const lines = text.split('\n').length;
    for (const e of loaded.errors) {
      expect(e.format()).toMatch(/^hostile\.yaml:\d+:\d+ \S/);
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.line).toBeLessThanOrEqual(lines);
      expect(e.column).toBeGreaterThanOrEqual(1);
    }
    expect(loaded.errors.map((e) => e.format()).join('\n')).toMatch(reason);
  });

  it('a BOM and CRLF line ends are an ordinary file', () => {
    const text = `\ufeff${head}  email: { from: email }\n`.replace(/\n/g, '\r\n');
    const loaded = loadMappingText(text, 'crlf.yaml');
    expect(loaded.ok && compileMapping(loaded.doc).in({ id: '1', email: 'A@x.com' }).value).toEqual(
      { email: 'A@x.com' },
    );
  });

  it('record keys named like prototype members are data, never the prototype', () => {
    const text = field(
      '  firstName:\n    from: n\n    values:\n      map:\n        a: Ann\n  lastName:\n    from: constructor\n',
    );
    const loaded = loadMappingText(text, 'm.yaml');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const m = compileMapping(loaded.doc);
    const record = JSON.parse(
      '{"id":"1","email":"a@x.com","n":"constructor","__proto__":{"polluted":1}}',
    ) as Record<string, unknown>;
    const out = m.in(record);
    expect(out.value).toEqual({ email: 'a@x.com' }); // no Object function, no prototype values
    expect(out.errors.map((e) => e.reason)).toContain('"constructor" is not in the value map');
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
