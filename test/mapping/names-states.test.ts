import { describe, expect, it } from 'vitest';

import { transforms } from '../../src/mapping/index.ts';
import {
  Invalid,
  splitName,
  stateCode,
  titleCase,
  type TransformDef,
} from '../../src/mapping/transforms/index.ts';

const fwd = (name: string, v: unknown, options: object = {}) => {
  const def = transforms.get(name) as TransformDef;
  const ctx = { country: 'US', timeZone: 'UTC', arity: Array.isArray(v) ? v.length : 1 };
  const r = def.create(def.options.parse(options) as never, ctx).forward(v);
  return r instanceof Invalid ? `invalid: ${r.reason}` : r;
};

describe('US states', () => {
  it.each([
    ['Texas', 'TX'],
    ['texas', 'TX'],
    [' TX ', 'TX'],
    ['tx.', 'TX'],
    ['New   York', 'NY'],
    ['north carolina', 'NC'],
    ['District of Columbia', 'DC'],
    ['Puerto Rico', 'PR'],
  ])('%j is %s', (text, code) => expect(stateCode(text)).toBe(code));

  it('refuses what is no US state, naming the value', () => {
    expect(fwd('state', 'TEXAS')).toBe('TX');
    expect(fwd('state', 'Ontario')).toBe('invalid: not a US state or territory: "Ontario"');
    expect(fwd('state', 'XX')).toBe('invalid: not a US state or territory: "XX"');
  });
});

describe('multi-word last names', () => {
  it.each([
    ['Pieter van der Berg', 'Pieter', '', 'van der Berg'],
    ['Maria De La Cruz', 'Maria', '', 'De La Cruz'],
    ['Juan Carlos de la Cruz Jr', 'Juan', 'Carlos', 'de la Cruz Jr'],
    ['Ana Maria da Silva', 'Ana', 'Maria', 'da Silva'],
    ['Ludwig von Trapp', 'Ludwig', '', 'von Trapp'],
    ['Van Morrison', 'Van', '', 'Morrison'],
    ['Robert John Bernat', 'Robert', 'John', 'Bernat'],
  ])('%s', (full, first, middle, last) => expect(splitName(full)).toEqual({ first, middle, last }));

  it('title case keeps particles written in lower case and fixes shouted ones', () => {
    expect(titleCase('van der Berg')).toBe('van der Berg');
    expect(titleCase('pieter van der berg')).toBe('Pieter van der Berg');
    expect(titleCase('DE LA CRUZ')).toBe('De La Cruz');
    expect(titleCase('jane DOE')).toBe('Jane Doe');
  });
});

describe('namePart and first', () => {
  it('takes first and last apart when the form asks them, else splits the full name', () => {
    expect(fwd('namePart', ['Mary Ann', 'Smith', undefined], { part: 'first' })).toBe('Mary Ann');
    expect(fwd('namePart', ['Mary Ann', 'Smith', undefined], { part: 'last' })).toBe('Smith');
    expect(fwd('namePart', [undefined, undefined, 'Mary van Dyke'], { part: 'last' })).toBe(
      'van Dyke',
    );
    expect(fwd('namePart', ['Cher', undefined, 'Cher Sarkisian'], { part: 'last' })).toBe(
      undefined,
    );
    expect(fwd('namePart', 'Jane Doe', { part: 'first' })).toBe('Jane');
  });

  it('first: the first answered of alternative paths', () => {
    expect(fwd('first', [undefined, '', ' ', '78704', '78705'])).toBe('78704');
    expect(fwd('first', [null, 0])).toBe(0);
  });
});
