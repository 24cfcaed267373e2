import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  compileMapping,
  loadMappingFile,
  loadMappingText,
  MAX_MAPPING_DEPTH,
  MAX_MAPPING_FILE_BYTES,
  MAX_MAPPING_NODES,
} from '../../src/mapping/index.ts';
import { readMappingYaml } from '../../src/mapping/yaml-read.ts';

// Issue 16, "Mapping validation": a 100,000-entry value map took over a minute (quadratic), a
// 20 MB file used 858 MB, alias-bomb errors had no line and column.

const head = 'connector: hubspot\nstream: contacts\nentity: customer\nrecordKey: id\nfields:\n';
const valueMap = (n: number) => {
  const lines = [`${head}  email:\n    from: properties.email\n    values:\n      map:\n`];
  for (let i = 0; i < n; i++) lines.push(`        "v${i}": "x${i}@example.com"\n`);
  return lines.join('');
};
const errs = (text: string) => {
  const r = loadMappingText(text, 'm.yaml');
  return r.ok ? [] : r.errors.map((e) => e.format());
};
const dir = mkdtempSync(join(tmpdir(), 'dl-mapping-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mapping file size and shape limits', () => {
  it('loads a 100,000-entry value map, and every entry maps', () => {
    const loaded = loadMappingText(valueMap(100_000), 'big.yaml');
    expect(loaded.ok && Object.keys(loaded.doc.fields.email!.values!.map)).toHaveLength(100_000);
    if (!loaded.ok) return;
    const mapping = compileMapping(loaded.doc);
    for (const i of [0, 54_321, 99_999])
      expect(mapping.in({ id: 'c1', properties: { email: `v${i}` } }).value).toMatchObject({
        email: `x${i}@example.com`,
      });
  });

  it('still refuses a duplicated key, at its line and column', () => {
    expect(errs(`${head}  email: { from: a }\n  email: { from: b }\n`)).toEqual([
      'm.yaml:7:3 YAML: duplicated mapping key',
    ]);
  });

  it('refuses a 20 MB file from its size, before reading it', async () => {
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, head);
    truncateSync(file, 20 * 1024 * 1024); // sparse: the loader must not need to read it
    const r = await loadMappingFile(file);
    expect(r.ok ? [] : r.errors.map((e) => e.format())).toEqual([
      `${file}:1:1 file is 20.0 MB; a mapping file may be at most 8.0 MB (MAX_MAPPING_FILE_BYTES)`,
    ]);
    const text = `${head}#${'x'.repeat(MAX_MAPPING_FILE_BYTES)}\n`;
    expect(errs(text)[0]).toMatch(/^m\.yaml:1:1 file is 8\.0 MB; .* \(MAX_MAPPING_FILE_BYTES\)$/);
  });

  it('locates an alias bomb at the alias that expands it past the limit', () => {
    const laughs = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++)
      laughs.push(
        `${names[i]}: &${names[i]} [${Array(9)
          .fill(`*${names[i - 1]}`)
          .join(', ')}]`,
      );
    const text = `${head}  email:\n    from: e\n    description: x\n${laughs.map((l) => `  ${l}`).join('\n')}\n`;
    const [error, ...rest] = errs(text);
    expect(rest).toEqual([]);
    const [, line, column] = /^m\.yaml:(\d+):(\d+) /.exec(error!)!.map(Number);
    // 9^6 = 531,441 values by the alias *f on the "g:" line; the limit is 1,000,000.
    expect(text.split('\n')[line! - 1]!.slice(column! - 1)).toMatch(/^\*f, \*f/);
    expect(error).toContain(
      `aliases expand past ${MAX_MAPPING_NODES.toLocaleString('en-US')} values (MAX_MAPPING_NODES)`,
    );
  });

  it('locates an alias inside its own anchor (a document that never ends)', () => {
    expect(errs(`${head}  email: &e [1, *e]\n`)).toEqual([
      expect.stringMatching(/^m\.yaml:6:17 YAML: aliases expand past/),
    ]);
  });

  it('locates nesting past MAX_MAPPING_DEPTH, even 100,000 deep', () => {
    for (const open of ['[', '{a: ']) {
      const close = open === '[' ? ']' : '}';
      const text = `${head}  email: ${open.repeat(100_000)}1${close.repeat(100_000)}\n`;
      expect(errs(text)).toEqual([
        expect.stringMatching(
          new RegExp(`^m\\.yaml:6:\\d+ YAML: nested deeper than ${MAX_MAPPING_DEPTH} levels`),
        ),
      ]);
    }
  });
});

describe('mapping YAML reads as the yaml library reads it', () => {
  const shipped = readdirSync('mappings').filter((f) => f.endsWith('.yaml'));
  it.each(shipped)('%s gives the same data', (name) => {
    const text = readFileSync(`mappings/${name}`, 'utf8');
    const read = readMappingYaml(text, name);
    expect(read.ok && read.raw).toEqual(parse(text));
  });

  it('resolves scalars by the YAML 1.2 core schema, as the yaml library does', () => {
    const scalars = [
      ...['1', '-1', '+7', '012', '0o17', '0x1F', '0b101', '1_000', '1.', '.5', '-.5e3'],
      ...['1e3', '1.5E-2', '.inf', '-.Inf', '.nan', '.NaN', 'true', 'False', 'TRUE', 'yes'],
      ...['no', 'on', 'null', 'Null', '~', '', '2025-06-21', '12:30', '"1"', "'true'", '0x'],
    ];
    const text = scalars.map((s, i) => `k${i}: ${s}`).join('\n');
    const read = readMappingYaml(text, 's.yaml');
    expect(read.ok && read.raw).toEqual(parse(text));
  });
});
