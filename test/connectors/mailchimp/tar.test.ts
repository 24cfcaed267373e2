import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { readTar, readTarGz, TarError } from '../../../connectors/mailchimp/tar.ts';
import { fixtureBytes } from './support.ts';

const LIMIT = 10 * 1024 * 1024;
const local = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

describe('tar reader', () => {
  it('reads the JSON files of a Mailchimp-shaped results archive made by GNU tar', async () => {
    const entries = await readTarGz(fixtureBytes('batch-results.tar.gz'), LIMIT);
    // The directory entry is skipped; both result files are read whole.
    expect(entries.map((e) => e.name).sort()).toEqual([
      'b3f1c9d2e8/0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d.json',
      'b3f1c9d2e8/6f2b3c9a1d7e4f50b8a2c1d3e5f7a9b1.json',
    ]);
    const ops = entries.flatMap(
      (e) => JSON.parse(e.body.toString('utf8')) as { operation_id: string }[],
    );
    expect(ops.map((o) => o.operation_id).sort()).toEqual(['member-0', 'member-1', 'member-2']);
  });

  it('reads names longer than 100 characters: GNU long names and ustar prefixes', async () => {
    for (const file of ['gnu-long-name.tar.gz', 'ustar-prefix.tar.gz']) {
      const files = await readTarGz(local(file), LIMIT);
      const name = files.map((e) => e.name).find((n) => n.endsWith('.json'))!;
      expect([file, name.length]).toEqual([file, 187]);
      expect(name).toMatch(/^d{60}\/e{50}\/r{70}\.json$/);
    }
  });

  it('refuses a damaged header, a truncated file and a stream that is not gzip', async () => {
    const tar = gunzipSync(fixtureBytes('batch-results.tar.gz'));
    const damaged = Buffer.from(tar);
    damaged[600] = damaged[600]! ^ 0xff; // inside the second header's name
    expect(() => readTar(damaged)).toThrow(/checksum/);
    expect(() => readTar(tar.subarray(0, 512 * 2 + 100))).toThrow(/truncated/);
    await expect(readTarGz(Buffer.from('plain text'), LIMIT)).rejects.toThrow(TarError);
  });

  it('refuses to inflate beyond the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024));
    await expect(readTarGz(bomb, 1024 * 1024)).rejects.toThrow(TarError);
  });
});
