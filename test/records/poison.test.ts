import { describe, expect, it } from 'vitest';

import {
  defusePage,
  MAX_RECORD_CHARS,
  MAX_RECORD_DEPTH,
  poisonPreview,
  recordProblem,
} from '../../src/records/poison.ts';
import { UNREADABLE } from '../../src/sdk/connector.ts';

/** A record whose `payload` nests `depth` objects, parsed from text as a vendor's answer is. */
const deep = (depth: number) =>
  JSON.parse(`{"id":"p1","payload":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`) as Record<
    string,
    unknown
  >;

describe('poison records', () => {
  it('a 100,000-deep record is found without recursion, naming where it went too deep', () => {
    const problem = recordProblem(deep(100_000));
    expect(problem?.reason).toMatch(/deeper than 64 levels/);
    expect(problem?.field.startsWith('payload.a.a')).toBe(true);
  });

  it('nesting up to the limit is fine; one level more is not', () => {
    // The record is level 1, `payload` and the objects below it the next levels.
    expect(recordProblem(deep(MAX_RECORD_DEPTH - 1))).toBeNull();
    expect(recordProblem(deep(MAX_RECORD_DEPTH))).not.toBeNull();
  });

  it('too large, BigInt and cyclic records are refused with their reason', () => {
    expect(recordProblem({ id: 'x', blob: 'x'.repeat(MAX_RECORD_CHARS) })?.reason).toMatch(
      /larger than 1000000 characters/,
    );
    const many = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i]));
    expect(recordProblem(many)?.reason).toMatch(/larger than/);
    expect(recordProblem({ id: 'x', n: { big: 10n } })).toEqual({
      field: 'n.big',
      reason: 'a BigInt value cannot be written as JSON',
    });
    const cyclic: Record<string, unknown> = { id: 'x' };
    cyclic.self = cyclic;
    expect(recordProblem(cyclic)?.reason).toMatch(/deeper than/);
  });

  it('an ordinary record passes', () => {
    expect(
      recordProblem({ id: 'c1', email: 'a@example.com', tags: ['a', 'b'], address: { city: 'X' } }),
    ).toBeNull();
  });

  it('the preview is small, writable as JSON, and carries the reason as unreadable', () => {
    const preview = poisonPreview({ ...deep(100_000), note: 'n'.repeat(5_000) }, 'too deep');
    const text = JSON.stringify(preview);
    expect(text.length).toBeLessThan(10_000);
    expect(preview).toMatchObject({ id: 'p1', [UNREADABLE]: 'too deep' });
    expect((preview.note as string).length).toBe(501);
  });

  it('defusePage replaces only the poison records and keeps the page when nothing is wrong', () => {
    const good = [{ id: 'a' }, { id: 'b' }];
    expect(defusePage(good)).toBe(good);
    const page = [{ id: 'a' }, deep(100_000), { id: 'b' }];
    const out = defusePage(page);
    expect(out[0]).toBe(page[0]);
    expect(out[2]).toBe(page[2]);
    expect(String(out[1]![UNREADABLE])).toMatch(/^payload\.a\..*deeper than 64 levels/);
    expect(() => JSON.stringify(out)).not.toThrow();
  });
});
