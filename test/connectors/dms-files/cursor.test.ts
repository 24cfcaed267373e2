import { describe, expect, it } from 'vitest';

import { classifyDmsFilesError } from '../../../connectors/dms-files/classify.ts';
import {
  decodeCursor,
  encodeCursor,
  markDone,
  pendingFiles,
} from '../../../connectors/dms-files/cursor.ts';
import { compileGlob } from '../../../connectors/dms-files/glob.ts';
import { AuthError, PermanentError, RetryableError } from '../../../src/sdk/errors.ts';

const MIN = 60_000;
const file = (key: string, minute: number, version = `v${minute}`) => ({
  key,
  mtime: minute * MIN,
  size: 1,
  version,
});

describe('cursor', () => {
  it('starts from every file, and refuses a cursor that is not its own', () => {
    expect(decodeCursor(null)).toEqual({ v: 1, since: 0, done: {} });
    expect(() => decodeCursor('2026-11-20T00:00:00Z')).toThrow(PermanentError);
  });

  it('picks new and changed files, oldest first, and keeps only the late-file window', () => {
    const c = decodeCursor(null);
    const files = [file('b.csv', 10), file('a.csv', 10), file('c.csv', 5)];
    expect(pendingFiles(c, files, Infinity).map((f) => f.key)).toEqual(['c.csv', 'a.csv', 'b.csv']);
    for (const f of files) markDone(c, f, 60 * MIN);
    expect(pendingFiles(c, files, Infinity)).toEqual([]);

    markDone(c, file('d.csv', 200), 60 * MIN);
    // Entries older than the newest minus the window are dropped; `since` remembers them.
    expect(decodeCursor(encodeCursor(c))).toEqual({
      v: 1,
      since: 140 * MIN,
      done: { 'd.csv': [200 * MIN, 'v200'] },
    });
    const later = [
      file('d.csv', 200),
      file('d.csv', 230, 'v230'), // modified
      file('late.csv', 150), // late, inside the window
      file('old.csv', 100), // late, before the window
    ];
    expect(pendingFiles(c, later, Infinity).map((f) => f.version)).toEqual(['v150', 'v230']);
    // Files changed after `notAfter` (still being written) wait.
    expect(pendingFiles(c, later, 200 * MIN).map((f) => f.key)).toEqual(['late.csv']);
  });
});

describe('compileGlob', () => {
  it('matches within a level with *, across levels with **, ignoring case', () => {
    const sales = compileGlob('sales/*.csv');
    expect(sales('sales/Deals 2026-11.CSV')).toBe(true);
    expect(sales('sales/2026/deals.csv')).toBe(false);
    expect(sales('sales/deals.csv.part')).toBe(false);
    const deep = compileGlob('exports/**/fi-?.csv');
    expect(deep('exports/fi-1.csv')).toBe(true);
    expect(deep('exports/2026/11/fi-2.csv')).toBe(true);
    expect(compileGlob('a+b(1).csv')('a+b(1).csv')).toBe(true);
  });
});

describe('classifyDmsFilesError', () => {
  const s3 = (name: string, status: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  const fs = (code: string) => Object.assign(new Error(code), { code });

  it('stops on refused keys and permissions, fails on a missing bucket or folder, retries the rest', () => {
    expect(classifyDmsFilesError(s3('InvalidAccessKeyId', 403))).toBeInstanceOf(AuthError);
    expect(classifyDmsFilesError(s3('NoSuchBucket', 404))).toBeInstanceOf(PermanentError);
    expect(classifyDmsFilesError(s3('SlowDown', 503))).toBeInstanceOf(RetryableError);
    expect(classifyDmsFilesError(s3('InternalError', 500))).toBeInstanceOf(RetryableError);
    expect(classifyDmsFilesError(fs('EACCES'))).toBeInstanceOf(AuthError);
    expect(classifyDmsFilesError(fs('ENOENT'))).toBeInstanceOf(PermanentError);
    expect(classifyDmsFilesError(fs('ECONNRESET'))).toBeInstanceOf(RetryableError);
    const done = new PermanentError('x');
    expect(classifyDmsFilesError(done)).toBe(done);
  });
});
