import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { describe, expect, it } from 'vitest';

import { transforms } from '../../src/mapping/index.ts';
import {
  Invalid,
  sha256Hex,
  splitName,
  toE164,
  type TransformDef,
} from '../../src/mapping/transforms/index.ts';

const ctx = { country: 'US', timeZone: 'America/Chicago', arity: 1 };
const make = (name: string, options: object = {}) => {
  const def = transforms.get(name) as TransformDef;
  return def.create(def.options.parse(options) as never, ctx);
};
const fwd = (name: string, v: unknown, options: object = {}) => {
  const r = make(name, options).forward(v);
  return r instanceof Invalid ? `invalid: ${r.reason}` : r;
};

describe('transforms', () => {
  it.each([
    ['trim', '  a   b ', 'a b'],
    ['lower', 'AbC', 'abc'],
    ['upper', 'tx', 'TX'],
    ['title', "ROBERT O'NEIL-SMITH mcdonald", "Robert O'Neil-Smith McDonald"],
    ['email', ' Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['email', 'mailto:a@b.co', 'a@b.co'],
    ['phone', '(650) 555-1212', '+16505551212'],
    ['phone', '+44 20 7946 0018', '+442079460018'],
    ['phone', '1-650-555-1212', '+16505551212'],
    ['postal', '48127-1398', '48127-1398'],
    ['postal', '481271398', '48127-1398'],
    ['postal', 2134, '02134'],
    ['postal', ' 48127 1398 ', '48127-1398'],
    ['postal', 'k1a0b1', 'K1A 0B1'],
    ['vin', '1hgcm82633a004352', '1HGCM82633A004352'],
    ['datetime', '2025-10-08T09:09:27+0000', '2025-10-08T09:09:27Z'],
    ['datetime', 1759914567, '2025-10-08T09:09:27Z'],
    ['datetime', '3/4/2025 2:05 PM', '2025-03-04T20:05:00Z'],
    ['datetime', '2025-01-02 03:04:05', '2025-01-02T09:04:05Z'],
    ['date', '3/4/2025', '2025-03-04'],
    ['date', '2025-10-08T03:00:00Z', '2025-10-07'],
    ['number', '1,234.50', 1234.5],
    ['number', '(12)', -12],
    ['currency', '$2,072.505', 207251],
    ['boolean', 'Yes', true],
    ['split', 'a, b,,c', ['a', 'b', 'c']],
    ['join', ['Jane', '', 'Doe'], 'Jane Doe'],
    ['string', 2024, '2024'],
  ])('%s(%j) = %j', (name, input, expected) => {
    expect(fwd(name, input)).toEqual(expected);
  });

  it.each([
    ['email', 'not-an-email', 'invalid: invalid email address "not-an-email"'],
    ['phone', '555-1234', 'invalid: invalid phone number "555-1234"'],
    ['postal', 'ABCDE', 'invalid: invalid postal code "ABCDE"'],
    [
      'vin',
      '1HGCM82633A004353',
      'invalid: invalid VIN "1HGCM82633A004353": check digit should be 5',
    ],
    [
      'vin',
      '1HGCM82633A00435',
      'invalid: invalid VIN "1HGCM82633A00435": need 17 characters, no I, O or Q',
    ],
    ['datetime', 'yesterday', 'invalid: unrecognised date-time "yesterday"'],
    ['number', '12abc', 'invalid: not a number: "12abc"'],
  ])('%s rejects %j', (name, input, expected) => {
    expect(fwd(name, input)).toBe(expected);
  });

  it('splits and joins names, DMS style included', () => {
    expect(splitName('BERNAT,ROBERT JOHN')).toEqual({
      first: 'ROBERT',
      middle: 'JOHN',
      last: 'BERNAT',
    });
    expect(splitName('Robert John Bernat Jr')).toEqual({
      first: 'Robert',
      middle: 'John',
      last: 'Bernat Jr',
    });
    expect(fwd('nameSplit', 'BERNAT,ROBERT JOHN', { part: 'full' })).toBe('ROBERT JOHN BERNAT');
    expect(fwd('nameJoin', ['Robert', 'John', 'Bernat'], { style: 'last-first' })).toBe(
      'Bernat,Robert John',
    );
    expect(make('nameJoin').inverse!('Mary Ann Smith')).toEqual(['Mary Ann', 'Smith']);
  });

  it('writes out formats: phone national, Google conversion date-time, money text', () => {
    expect(make('phone', { format: 'national' }).inverse!('+16505551212')).toBe('(650) 555-1212');
    expect(make('phone', { format: 'national' }).inverse!('+442079460018')).toBe(
      '+44 20 7946 0018',
    );
    expect(make('datetime', { outFormat: 'google' }).inverse!('2019-01-01T20:32:45Z')).toBe(
      '2019-01-01 14:32:45-06:00',
    );
    expect(make('currency', { outAs: 'string' }).inverse!(71300)).toBe('713.00');
    expect(make('currency').inverse!(207250)).toBe(2072.5);
    expect(make('majorUnits', { outAs: 'string' }).forward(-5)).toBe('-0.05');
  });

  // [input, options, the normalized text that is hashed]
  it.each([
    ['John_Smith@gmail.com', { platform: 'meta', field: 'email' }, 'john_smith@gmail.com'],
    // Meta keeps digits only; the country code must already be there (run `phone` first).
    ['(650)555-1212', { platform: 'meta', field: 'phone' }, '6505551212'],
    ['+1 (650) 555-1212', { platform: 'meta', field: 'phone' }, '16505551212'],
    ['+1 650 555 1212', { platform: 'google', field: 'phone' }, '+16505551212'],
    [' Jane.Doe@GMail.com', { platform: 'google', field: 'email' }, 'janedoe@gmail.com'],
    ['jane.doe+x@example.com', { platform: 'google', field: 'email' }, 'jane.doe+x@example.com'],
    [
      'jane.doe+x@example.com',
      { platform: 'google', field: 'email', emailRule: 'all' },
      'janedoe@example.com',
    ],
    ['48127-1398', { platform: 'meta', field: 'zip' }, '48127'],
  ])(
    'hashes %j with %j by the platform rules (docs/vendors.md, Google Ads and Meta)',
    (input, options, normalized) => {
      expect(fwd('sha256', input, options)).toBe(sha256Hex(normalized));
    },
  );

  it('sha256Hex matches a published digest', () => {
    expect(sha256Hex('john_smith@gmail.com').startsWith('62a14e44')).toBe(true);
  });

  it('the default step fills missing values', () => {
    const def = transforms.get('default')!;
    expect(def.acceptsMissing).toBe(true);
    expect(make('default', { value: 'US' }).forward(undefined)).toBe('US');
  });
});

describe('phone fast path', () => {
  it('leaves numbers that start with a national prefix or carrier code to the library', () => {
    // Found by the property below: Brazil strips carrier selection codes such as 90 before parsing.
    const lib = parsePhoneNumberFromString('9030000000', 'BR');
    expect(toE164('9030000000', 'BR')).toBe(lib?.isValid() ? lib.number : undefined);
    expect(toE164('(512) 555-0142', 'US')).toBe('+15125550142');
  });

  it('gives what libphonenumber-js gives, for national and E.164 inputs in many countries', () => {
    const country = fc.constantFrom('US', 'CA', 'GB', 'DE', 'FR', 'MX', 'IT', 'AU', 'IN', 'BR');
    const digits = fc.stringMatching(/^\+?[0-9]{6,13}$/);
    fc.assert(
      fc.property(country, digits, (c, d) => {
        const lib = parsePhoneNumberFromString(d, c);
        expect(toE164(d, c)).toBe(lib?.isValid() ? lib.number : undefined);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('idempotence', () => {
  // Mostly inputs some transform takes (3 in 4), so each transform meets some it takes.
  const text = fc.oneof(fc.string(), {
    weight: 3,
    arbitrary: fc.constantFrom(
      ' Jane.Doe@Example.com',
      '(650) 555-1212',
      '48127-1398',
      'k1a 0b1',
      '1hgcm82633a004352',
      '2025-10-08T09:09:27+0000',
      '3/4/2025',
      '$1,234.50',
      "o'NEIL-smith",
      // Inputs that state, number and boolean take (random text almost never is one).
      'Texas',
      ' tx. ',
      '1,234.5',
      '(12)',
      'Yes',
      'off',
    ),
  });
  const idempotent = [...transforms.values()].filter(
    (t) => t.idempotent && t.name !== 'default' && t.name !== 'replace',
  );
  it.each(idempotent.map((t) => t.name))('%s(%s(x)) = %s(x)', (name) => {
    const options = name === 'sha256' ? { platform: 'meta', field: 'email' } : {};
    const f = make(name, options).forward;
    let checked = 0;
    fc.assert(
      fc.property(text, (x) => {
        const once = f(x);
        if (once instanceof Invalid || once === undefined) return;
        checked++;
        expect(f(once)).toEqual(once);
      }),
      { numRuns: 300 },
    );
    // Some inputs are ones the transform takes: else the property checked nothing.
    expect(checked).toBeGreaterThan(0);
  });
});

describe('state', () => {
  it('refuses names of Object.prototype members instead of returning them', () => {
    const f = make('state', {}).forward;
    for (const v of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'state of valueOf'])
      expect(f(v)).toBeInstanceOf(Invalid);
    expect(f('State of Texas')).toBe('TX');
  });
});
