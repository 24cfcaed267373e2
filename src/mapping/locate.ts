import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

import type { DocPath } from './errors.ts';

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
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
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
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
