import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { compileGetter, compileSetter, parsePath, transforms } from '../../src/mapping/index.ts';
import { compilePipeline } from '../../src/mapping/pipeline.ts';
import { COMMON_FORMATS, parseIsoFast } from '../../src/mapping/transforms/date-parse.ts';
import {
  formatDateTime,
  normalizePostal,
  normalizeVin,
  parseDateTime,
  titleCase,
  vinCheckDigit,
  type TransformDef,
} from '../../src/mapping/transforms/index.ts';
import * as ref from './reference.ts';

// Every per-record fast path gives what the straightforward implementation it replaced gives
// (test/mapping/reference.ts), over generated inputs shaped like the data and around its edges.
const runs = { numRuns: 2000 };
const text = (chars: string, maxLength = 24) =>
  fc.string({ unit: fc.constantFrom(...chars), maxLength });
const anyText = fc.string({ unit: 'binary', maxLength: 24 });
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const same = <T>(a: () => T, b: () => T) => {
  const run = (f: () => T) => {
    try {
      return { value: f() };
    } catch (e) {
      return { threw: String(e) };
    }
  };
  expect(run(a)).toStrictEqual(run(b));
};

describe('text fast paths', () => {
  it('titleCase equals the per-character version', () => {
    const names = text(" \t\n\r-'’(/.mMcCaAzZéÉßİıǆ0_ ", 16);
    fc.assert(
      fc.property(fc.oneof(names, anyText), (s) => {
        expect(titleCase(s)).toBe(ref.titleCase(s));
      }),
      runs,
    );
  });

  it('runs of text steps give what the steps give one by one', () => {
    // replace can turn empty text into some (^$) and some into empty (a → '').
    const specs: [string, object][] = [
      ['trim', {}],
      ['lower', {}],
      ['upper', {}],
      ['title', {}],
      ['string', {}],
      ['default', { value: 'X' }],
      ['replace', { pattern: '^$', with: 'E' }],
      ['replace', { pattern: 'a', with: '' }],
    ];
    const step = fc.constantFrom(...specs).map(([name, options]) => {
      const def = transforms.get(name) as TransformDef;
      const made = def.create(def.options.parse(options) as never, {
        country: 'US',
        timeZone: 'UTC',
        arity: 1,
      });
      const acceptsMissing = def.acceptsMissing === true;
      return { fn: made.forward, acceptsMissing, ...(made.text ? { text: made.text } : {}) };
    });
    const value = fc.oneof(
      text(" \tabAB-'", 8),
      fc.constantFrom('', ' ', ' \t ', 'a', ' a ', 'aa'),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 5 }), value, (steps, v) => {
        expect(compilePipeline(steps)(v)).toEqual(ref.pipeline(steps)(v));
      }),
      runs,
    );
  });
});

describe('VIN and postal fast paths', () => {
  const vinChars = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
  const validVin = fc
    .string({ unit: fc.constantFrom(...vinChars), minLength: 17, maxLength: 17 })
    .map((v) => `${v.slice(0, 8)}${ref.vinCheckDigit(v)}${v.slice(9)}`);
  const vins = fc.oneof(
    validVin,
    validVin.map((v) => v.toLowerCase()),
    fc.tuple(validVin, text(vinChars, 2)).map(([v, more]) => v + more),
    validVin.map((v) => v.slice(1)),
    validVin.map((v) => `${v.slice(0, 5)}-${v.slice(5, 11)} ${v.slice(11)}`),
    text(`${vinChars}IOQio -x`, 20),
    anyText,
  );

  it('normalizeVin and vinCheckDigit equal the regex and object-lookup versions', () => {
    fc.assert(
      fc.property(vins, fc.boolean(), (v, check) => {
        expect(normalizeVin(v, check)).toEqual(ref.normalizeVin(v, check));
        expect(vinCheckDigit(v)).toBe(ref.vinCheckDigit(v));
      }),
      runs,
    );
  });

  it('normalizePostal equals the regex version', () => {
    const postal = fc.oneof(
      text('0123456789-', 12),
      text('0123456789- \t', 12).map((s) => ` ${s} `),
      text('ABCEGHJKLMNPRSTVXYZ0123456789 -', 8),
      fc.integer({ min: -10, max: 1_000_000_000 }),
      anyText,
    );
    const country = fc.constantFrom('auto' as const, 'US' as const, 'CA' as const);
    fc.assert(
      fc.property(postal, country, fc.boolean(), (v, c, zip5) => {
        expect(normalizePostal(v, c, zip5)).toBe(ref.normalizePostal(v, c, zip5));
      }),
      runs,
    );
  });
});

describe('date-time fast paths', () => {
  // Mostly in range (so the rest of the text decides), sometimes just past it.
  const field = (last: number, max: number, width = 2, first = 0) =>
    fc
      .oneof(
        { arbitrary: fc.integer({ min: first, max: last }), weight: 4 },
        fc.integer({ min: 0, max }),
      )
      .map((n) => pad(n, width));
  const usually = <T>(common: T, ...rare: T[]) =>
    fc.oneof({ arbitrary: fc.constant(common), weight: 3 }, fc.constantFrom(...rare));
  const offset = fc
    .tuple(fc.constantFrom('+', '-'), field(23, 25), fc.constantFrom(':', ''), field(59, 61))
    .map((p) => p.join(''));
  const iso = fc
    .record({
      y: fc.oneof(field(9999, 9999, 4, 1000), fc.constantFrom('0000', '0099', '0100', '0999')),
      mo: field(12, 13, 2, 1),
      d: field(31, 32, 2, 1),
      t: usually('T', 't', ' ', 'X'),
      h: field(23, 25),
      mi: field(59, 61),
      s: usually(':', ''),
      sec: field(59, 61),
      frac: usually('', '.', '.5', '.123', '.9999999', '.1234567890123', '.x'),
      zone: fc.oneof(usually('Z', 'z', '', '+05', '+05:', '-0', 'ZZ'), offset),
      space: usually('', ' ', '\t'),
    })
    .map(
      (p) =>
        `${p.space}${p.y}-${p.mo}-${p.d}${p.t}${p.h}:${p.mi}${p.s && `:${p.sec}`}${p.frac}${p.zone}`,
    );

  // One character of an ISO date-time replaced: a non-digit in a number, a missing separator...
  const mutated = iso.chain((s) =>
    fc
      .tuple(fc.nat(s.length - 1), fc.constantFrom('x', '-', ':', '+', '.', ' ', 'Z', '0', '9'))
      .map(([i, c]) => `${s.slice(0, i)}${c}${s.slice(i + 1)}`),
  );

  it('the ISO fast path answers only where the regex and Date.parse answer, with their value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          iso,
          iso.map((s) => s.slice(0, -1)),
          mutated,
        ),
        (s) => {
          const fast = parseIsoFast(s.trim());
          if (fast !== undefined) expect(fast).toBe(ref.isoDateTime(s));
          const zone = 'America/Chicago';
          const slow = ref.isoDateTime(s);
          if (slow !== undefined) {
            expect(parseDateTime(s, zone, COMMON_FORMATS)).toBe(
              Number.isNaN(slow) ? undefined : slow,
            );
          }
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('formatDateTime in UTC equals the Date version', () => {
    const seconds = fc.integer({ min: -40_000_000_000, max: 260_000_000_000 }).map((s) => s * 1000);
    const edges = fc.constantFrom(
      -30_610_224_000_001,
      -30_610_224_000_000,
      253_402_300_799_999,
      253_402_300_800_000,
      -0,
      951_782_400_000,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    );
    const ms = fc.oneof(seconds, fc.integer({ min: -9e15, max: 9e15 }), fc.double(), edges);
    fc.assert(
      fc.property(ms, (m) =>
        same(
          () => formatDateTime(m, 'UTC'),
          () => ref.formatUtc(m),
        ),
      ),
      runs,
    );
  });
});

describe('dotted key accessors', () => {
  const key = fc.constantFrom('a', 'b', 'c', 'properties', '0', 'length');
  const tree = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(undefined, null, '', 'x', 0, 1),
      fc.dictionary(key, tie('node'), { maxKeys: 3 }),
      fc.array(tie('node'), { maxLength: 2 }),
    ),
  })).node;
  const path = fc.array(key, { minLength: 1, maxLength: 4 });

  it('read what a segment-by-segment walk reads', () => {
    fc.assert(
      fc.property(tree, path, (t, keys) => {
        const p = keys.join('.');
        expect(compileGetter(p)(t)).toBe(ref.get(parsePath(p), t));
      }),
      runs,
    );
  });

  it('write what a segment-by-segment walk writes', () => {
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 3 }), path, (t, keys) => {
        const a = structuredClone(t);
        const b = structuredClone(t);
        same(
          () => compileSetter(keys.join('.'))(a, 'v'),
          () => ref.setKeys(keys, b, 'v'),
        );
        expect(a).toStrictEqual(b);
      }),
      runs,
    );
  });
});
