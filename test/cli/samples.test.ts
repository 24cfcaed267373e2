import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { previewMapping, sampleFor } from '../../src/cli/mapping.ts';
import { loadMappingFile } from '../../src/mapping/index.ts';

const shipped = readdirSync('mappings')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join('mappings', f));

/** Directions a mapping has fields for (its defaults and each field's own direction). */
async function directions(file: string): Promise<('in' | 'out')[]> {
  const loaded = await loadMappingFile(file);
  if (!loaded.ok) throw new Error(`${file} does not load`);
  const doc = loaded.doc as { defaults?: { direction?: string }; fields: Record<string, unknown> };
  const of = (f: unknown) =>
    (f as { direction?: string }).direction ?? doc.defaults?.direction ?? 'both';
  const all = new Set(Object.values(doc.fields).map(of));
  return (['in', 'out'] as const).filter((d) => all.has(d) || all.has('both'));
}

describe('mapping samples', () => {
  it.each(shipped)('%s has a sample that previews with no field errors', async (file) => {
    const dirs = await directions(file);
    const main = dirs.includes('in') ? 'in' : 'out';
    expect(existsSync(sampleFor(file, main)), sampleFor(file, main)).toBe(true);
    let text = '';
    const code = await previewMapping(file, { direction: main }, { out: (t) => void (text += t) });
    expect(text).toContain(`input: ${sampleFor(file, main)}`);
    expect(text).toMatch(/no field errors\n$/);
    expect(code).toBe(0);
  });
});
