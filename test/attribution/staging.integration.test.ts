import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Staging } from '../../src/attribution/staging.ts';
import { KEY } from '../../src/attribution/state.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
const T = 'store-a';

beforeAll(async () => {
  t = await openTestHub();
});

afterAll(async () => {
  await t.cleanup();
});

describe('staging hashes', () => {
  it('hold what a plain HSET would, small hashes batched and full chunks alike, odd texts included', async () => {
    const { redis, keys } = t.hub;
    const out = new Staging(redis, keys, T);
    // Fields a campaign id or record id may hold: separators, quotes, control characters,
    // non-ASCII, a surrogate pair, and lone surrogates (written as U+FFFD, as a plain command).
    const odd = [
      'a\u001fb',
      'tab\there',
      'line\nbreak',
      'q"uo\\te',
      'nul\u0000',
      'é€😀',
      'x\ud800y',
    ];
    const expected = new Map<string, Record<string, string>>();
    const put = (i: number, field: string, value: string) => {
      out.set(i, field, value);
      const key = out.keys.list[i]!;
      const wire = (s: string) => Buffer.from(s).toString();
      (expected.get(key) ?? expected.set(key, {}).get(key)!)[wire(field)] = wire(value);
    };
    for (const [j, s] of odd.entries())
      put(out.keys.day('linear', `2026-03-0${j + 1}`), s, `${j};${s}`);
    // More than a chunk in one hash (its full chunks go as their own HSET), then a few more.
    for (let i = 0; i < 2_345; i++) put(KEY.sales, `s${i}${odd[i % odd.length]}`, `v${i}`);
    put(out.keys.day('linear', '2026-03-01'), 'late', 'after the batch');
    await out.flush();
    for (const [key, fields] of expected) {
      expect(await redis.hgetall(key)).toEqual(fields);
      expect(await redis.ttl(key)).toBeGreaterThan(0);
    }
    await out.discard();
  });
});
