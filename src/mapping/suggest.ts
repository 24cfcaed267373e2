/**
 * Edit distance between two strings: insertions, deletions, substitutions and transpositions of
 * neighbours (optimal string alignment), so `lots` → `lost` is 1.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
    }
    [before, prev] = [prev, row];
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to a mistyped name, if it is near enough to be a likely typo (distance at
 * most a third of the name's length, and at least 1); case differences count as near.
 * @example didYouMean('phon', ['phone', 'email']) // 'phone'
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0.5 : editDistance(lower, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** `' — did you mean "x"?'` when there is a near candidate, else an empty string. */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const near = didYouMean(name, candidates);
  return near === undefined ? '' : ` — did you mean "${near}"?`;
}
