import jsyaml from 'js-yaml';
import {
  isAlias,
  isMap,
  isPair,
  isSeq,
  LineCounter,
  parseDocument,
  type Alias,
  type Document,
} from 'yaml';

import { MappingError } from './errors.ts';
import { MAX_MAPPING_DEPTH, MAX_MAPPING_NODES } from './limits.ts';

/**
 * Reading a mapping file's YAML in linear time and memory. js-yaml reads the data (it checks
 * duplicate keys with a hash, and holds no syntax tree); the `yaml` library's document, with
 * every node's position, is built only when there is a mistake to locate. The `yaml` library
 * alone checks unique keys by a scan of the map so far (quadratic: a 100,000-entry value map
 * took over a minute) and keeps a node tree of about 50 bytes per source byte.
 */

const scalarType = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
  new jsyaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (s: unknown) => typeof s === 'string' && test.test(s),
    construct,
  });

const radix = (s: string) => (s.startsWith('0o') ? 8 : s.startsWith('0x') ? 16 : 10);
const infinity = (s: string) => (s.startsWith('-') ? -Infinity : Infinity);

/**
 * The YAML 1.2 core schema exactly as the `yaml` library resolves it (its `core` tags' tests),
 * so both readers give the same values: `0b1`, `1_000` and `012` stay what `yaml` makes them.
 */
const CORE = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (s: unknown) =>
        s === null || (typeof s === 'string' && /^(?:~|[Nn]ull|NULL)?$/.test(s)),
      construct: () => null,
    }),
    scalarType('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => /^[Tt]/.test(s)),
    scalarType('int', /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) => {
      const r = radix(s);
      return parseInt(r === 10 ? s : s.slice(2), r);
    }),
    scalarType(
      'float',
      /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      (s) => (/nan$/i.test(s) ? NaN : /inf$/i.test(s) ? infinity(s) : parseFloat(s)),
    ),
  ],
});

/** The parsed data, or the located mistakes. */
export type YamlRead = { ok: true; raw: unknown } | { ok: false; errors: MappingError[] };

/**
 * Counts the values of `root` as its consumers will walk them (shared, aliased objects once per
 * reference), stopping as soon as there are more than `max`: linear in the answer, never in the
 * expansion.
 */
export function exceedsNodes(root: unknown, max: number): boolean {
  const stack: unknown[] = [root];
  let n = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++n > max) return true;
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
      else for (const k in v) stack.push(k, (v as Record<string, unknown>)[k]);
    }
  }
  return false;
}

/** Parses `text` with the `yaml` library, for positions (no unique-key scan: js-yaml did it). */
export function yamlDocument(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  return { doc, lines };
}

/**
 * The alias whose expansion takes the document past `max` values, in document order: the place
 * an alias bomb goes off. Sizes are memoised per node, so this is linear in the document.
 */
function blastAlias(doc: Document, max: number): Alias | undefined {
  const sizes = new Map<unknown, number>();
  const size = (node: unknown): number => {
    if (isAlias(node)) return size(node.resolve(doc));
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, Infinity); // a collection that contains an alias of itself never ends
    let n = 1;
    for (const item of node.items)
      n += isPair(item) ? size(item.key) + size(item.value) : size(item);
    sizes.set(node, n);
    return n;
  };
  let total = 0;
  let found: Alias | undefined;
  const walk = (node: unknown): void => {
    if (found || node === null || node === undefined) return;
    if (isAlias(node)) {
      total += size(node);
      if (total > max) found = node;
      return;
    }
    total += 1;
    if (isMap(node))
      for (const p of node.items) {
        walk(p.key);
        walk(p.value);
      }
    else if (isSeq(node)) for (const item of node.items) walk(item);
  };
  walk(doc.contents);
  return found;
}

const at = (fileName: string, lines: LineCounter, offset: number, message: string) => {
  const { line, col } = lines.linePos(offset);
  return new MappingError(fileName, line, col, [], message);
};

/** A syntax error: the `yaml` library's messages where it sees one, else js-yaml's. */
function syntaxErrors(text: string, fileName: string, err: jsyaml.YAMLException): MappingError[] {
  const { line, column } = err.mark ?? { line: 0, column: 0 };
  // Too deep for js-yaml is too deep for the `yaml` library's recursive reader too: not asked.
  if (/maxDepth/.test(err.reason)) {
    const message = `YAML: nested deeper than ${MAX_MAPPING_DEPTH} levels (MAX_MAPPING_DEPTH)`;
    return [new MappingError(fileName, line + 1, column + 1, [], message)];
  }
  const { doc, lines } = yamlDocument(text);
  if (doc.errors.length > 0)
    return doc.errors.map((e) =>
      at(fileName, lines, e.pos[0], `YAML: ${e.message.split('\n')[0]}`),
    );
  return [new MappingError(fileName, line + 1, column + 1, [], `YAML: ${err.reason}`)];
}

/**
 * Reads mapping YAML: the data, or every syntax error located to its line and column, including
 * nesting deeper than `MAX_MAPPING_DEPTH` and aliases expanding past `MAX_MAPPING_NODES`.
 */
export function readMappingYaml(text: string, fileName: string): YamlRead {
  let raw: unknown;
  try {
    const options = { schema: CORE, filename: fileName, maxDepth: MAX_MAPPING_DEPTH };
    raw = jsyaml.load(text, options);
  } catch (err) {
    if (!(err instanceof jsyaml.YAMLException)) throw err;
    return { ok: false, errors: syntaxErrors(text, fileName, err) };
  }
  if (!exceedsNodes(raw, MAX_MAPPING_NODES)) return { ok: true, raw };
  const { doc, lines } = yamlDocument(text);
  const alias = blastAlias(doc, MAX_MAPPING_NODES);
  const message =
    `YAML: ${alias ? 'aliases expand' : 'the document expands'} past ` +
    `${MAX_MAPPING_NODES.toLocaleString('en-US')} values (MAX_MAPPING_NODES): ` +
    'an alias bomb, or a file too large to be a mapping';
  return { ok: false, errors: [at(fileName, lines, alias?.range?.[0] ?? 0, message)] };
}
