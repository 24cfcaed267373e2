/** One step of a record path. */
export type PathSegment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'filter'; key: string; value: string };

/** A path that could not be parsed: `at` is the 0-based character where the problem is. */
export class PathSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const NAME = /[A-Za-z0-9_$@#:-]+/y;
const INDEX = /(\d+)\]/y;
const FILTER = /([A-Za-z0-9_$@:-]+)\s*=\s*(?:'([^']*)'|"([^"]*)"|([^\]]*))\]/y;
const QUOTED = /(?:'([^']*)'|"([^"]*)")\]/y;

function match(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/**
 * Parses a record path: dotted keys, array indexes and filters on array elements.
 * @example parsePath('field_data[name=email].values[0]')
 *   // key field_data, filter name=email, key values, index 0
 * @throws PathSyntaxError
 */
export function parsePath(text: string): PathSegment[] {
  const segs: PathSegment[] = [];
  let i = 0;
  let expectName = true;
  while (i < text.length) {
    if (text[i] === '[') {
      const idx = match(INDEX, text, i + 1);
      const quoted = idx ? null : match(QUOTED, text, i + 1);
      const filter = idx || quoted ? null : match(FILTER, text, i + 1);
      if (idx) segs.push({ kind: 'index', index: Number(idx[1]) });
      else if (quoted) segs.push({ kind: 'key', key: quoted[1] ?? quoted[2] ?? '' });
      else if (filter) {
        const value = (filter[2] ?? filter[3] ?? filter[4] ?? '').trim();
        segs.push({ kind: 'filter', key: filter[1]!, value });
      } else throw new PathSyntaxError('expected [0], ["key"] or [name=value]', i);
      i = (idx ?? quoted ?? filter)!.index + (idx ?? quoted ?? filter)![0].length;
      expectName = false;
      continue;
    }
    if (!expectName) {
      if (text[i] !== '.')
        throw new PathSyntaxError(`expected "." or "[" but found "${text[i]}"`, i);
      i++;
    }
    const name = match(NAME, text, i);
    if (!name) throw new PathSyntaxError('expected a name', i);
    segs.push({ kind: 'key', key: name[0] });
    i += name[0].length;
    expectName = false;
  }
  if (segs.length === 0 || expectName) throw new PathSyntaxError('path is empty', 0);
  return segs;
}
