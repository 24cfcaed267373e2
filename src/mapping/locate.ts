import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

import type { DocPath } from './errors.ts';

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** A map's pairs by key, built once per map: locating n problems in one map stays linear. */
function keyIndex(map: YAMLMap): Map<string, Pair> {
  let index = indexes.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items)
      if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value)))
        index.set(String(p.key.value), p);
    indexes.set(map, index);
  }
  return index;
}

/**
 * Finds the YAML node at a document path and returns where it starts. With `atKey`, the position
 * of the last key itself (for unknown or misspelled keys). A path that goes further than the
 * document (a missing key) stops at the deepest node that exists.
 */
export function locate(doc: Document, lines: LineCounter, path: DocPath, atKey = false): Position {
  let node: unknown = doc.contents;
  let at = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isMap(node)) {
      const pair = keyIndex(node).get(String(seg));
      if (!pair) break;
      const keyStart = (pair.key as Node).range?.[0];
      const last = i === path.length - 1;
      node = pair.value;
      at =
        (last && atKey) || !(node as Node | null)?.range
          ? (keyStart ?? at)
          : (node as Node).range![0];
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      at = (node as Node).range?.[0] ?? at;
    } else break;
  }
  const { line, col } = lines.linePos(at);
  return { line, column: col };
}
