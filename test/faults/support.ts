import { randomInt } from 'node:crypto';

/**
 * The seed of a file's random fault points: `FAULT_SEED` when set (to replay a failure), else a
 * fresh one. Printed, so a failing run names the seed that replays it.
 */
export function faultSeed(scope: string): number {
  const given = process.env.FAULT_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) : randomInt(2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`FAULT_SEED must be an integer, not ${given}`);
  console.log(`${scope}: seed ${seed} (replay with FAULT_SEED=${seed} npm run test:faults)`);
  return seed;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same fault points. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

/**
 * Records at the source and at the destination of a fault scenario, printed as one line for the
 * closing note (`grep 'fault counts' <log>`), and the check that the destination holds each of
 * the expected records exactly once: `held` are the record keys found at the destination (with
 * repeats), `expected` the keys of the source's records that should have arrived, `atSource` how
 * many records the source holds (more than expected when some were quarantined on purpose).
 */
export function expectExactlyOnce(
  scenario: string,
  expected: readonly string[],
  held: readonly string[],
  atSource = expected.length,
): { source: number; destination: number; distinct: number } {
  const counts = { source: atSource, destination: held.length, distinct: new Set(held).size };
  const refused = atSource - expected.length;
  const note = refused ? ` (${refused} quarantined or dead-lettered)` : '';
  console.log(
    `fault counts | ${scenario} | source ${atSource}${note} | destination ${counts.destination} (${counts.distinct} distinct)`,
  );
  const [want, got] = [new Set(expected), new Set(held)];
  const missing = expected.filter((k) => !got.has(k));
  const extra = [...got].filter((k) => !want.has(k));
  if (missing.length || extra.length || counts.destination !== counts.distinct) {
    throw new Error(
      `${scenario}: destination differs from source: ${missing.length} missing (${missing.slice(0, 5).join(', ')}), ` +
        `${extra.length} unexpected (${extra.slice(0, 5).join(', ')}), ${counts.destination - counts.distinct} duplicates`,
    );
  }
  return counts;
}
