import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { decodeNdjsonGzip, encodeNdjsonGzip } from '../../src/archive/ndjson.ts';
import { collect } from './contract.ts';

const decode = (bytes: Buffer) => collect(decodeNdjsonGzip(Readable.from([bytes]), 'k'));

describe('ndjson gzip', () => {
  it('writes one JSON document a line and reads it back, undefined as null', async () => {
    const bytes = await encodeNdjsonGzip([{ a: 1 }, undefined, 'x\ny']);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(await decode(bytes)).toEqual([{ a: 1 }, null, 'x\ny']);
  });

  it('reads lines split across chunks and a last line without a newline', async () => {
    const gz = gzipSync('{"a":"ü"}\n\n[1,2]');
    const chunks = [...gz].map((b) => Buffer.from([b]));
    expect(await collect(decodeNdjsonGzip(Readable.from(chunks), 'k'))).toEqual([
      { a: 'ü' },
      [1, 2],
    ]);
  });

  it('names the object and line of a bad line, and refuses bad gzip', async () => {
    await expect(decode(gzipSync('1\n{oops\n'))).rejects.toThrow(
      /Archive object k is corrupt: line 2/,
    );
    await expect(decode(Buffer.from('not gzip'))).rejects.toMatchObject({
      code: 'archive_corrupt',
    });
  });

  it('refuses a record JSON cannot hold', async () => {
    await expect(encodeNdjsonGzip([{ n: 1n }])).rejects.toThrow(
      /Record 0 cannot be written as JSON/,
    );
  });
});
