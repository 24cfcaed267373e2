import { isSafePattern } from 'redos-detector';

import { MAX_PATTERN_BACKTRACKS, MAX_PATTERN_LENGTH } from './limits.ts';

/** Most steps redos-detector may take on one pattern (its default is 20,000: tens of seconds). */
const MAX_CHECK_STEPS = 2_000;
/** Wall-clock cap on one check, for a pattern whose steps are slow. */
const MAX_CHECK_MS = 2_000;

/**
 * Why a regular expression written in a mapping cannot be used, or undefined when it can: too
 * long, not valid JavaScript, or open to catastrophic backtracking (nested or overlapping
 * quantifiers such as `^(a+)+$`, which take exponential time on a value that almost matches).
 * The check is of the pattern anchored at one start position: the engine's retry at each
 * position costs at most the value's length again, which the record size limit bounds.
 */
export function patternProblem(pattern: string, flags = ''): string | undefined {
  const key = `${flags}/${pattern}`;
  if (checked.has(key)) return checked.get(key);
  const problem = check(pattern, flags);
  if (checked.size >= MAX_REMEMBERED) checked.clear();
  checked.set(key, problem);
  return problem;
}

/** Patterns already checked (a schema union may test one twice; the check takes milliseconds). */
const checked = new Map<string, string | undefined>();
const MAX_REMEMBERED = 1_000;

function check(pattern: string, flags: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `pattern is ${pattern.length} characters; at most ${MAX_PATTERN_LENGTH} (MAX_PATTERN_LENGTH)`;
  try {
    new RegExp(pattern, flags);
  } catch (err) {
    return `not a valid regular expression: ${(err as Error).message}`;
  }
  const result = isSafePattern(`^(?:${pattern})`, {
    maxScore: MAX_PATTERN_BACKTRACKS,
    maxSteps: MAX_CHECK_STEPS,
    timeout: MAX_CHECK_MS,
    caseInsensitive: flags.includes('i'),
    multiLine: flags.includes('m'),
    dotAll: flags.includes('s'),
    unicode: flags.includes('u'),
  });
  if (result.safe) return undefined;
  if (result.error === 'hitMaxScore')
    return (
      `pattern ${JSON.stringify(pattern)} can backtrack catastrophically (a value could match ` +
      'it in exponentially many ways, as with nested quantifiers like (a+)+); rewrite it so ' +
      'each character can be matched only one way'
    );
  return (
    `pattern ${JSON.stringify(pattern)} is too complex to prove free of catastrophic ` +
    'backtracking; simplify it (fewer nested or alternative quantified groups)'
  );
}
