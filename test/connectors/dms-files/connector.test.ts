import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import dmsFiles from '../../../connectors/dms-files/index.ts';
import { DmsFilesCredentials, DmsFilesSettings } from '../../../connectors/dms-files/settings.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { PermanentError } from '../../../src/sdk/errors.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dl-dms-conn-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A connector context on a local folder. */
const ctxOn = (folder: string) =>
  ({
    tenantId: 't',
    connectionId: 'c',
    settings: DmsFilesSettings.parse({ location: { type: 'local', folder } }),
    credentials: {},
    log: createLogger('silent'),
    signal: new AbortController().signal,
  }) as never;

describe('dms-files connection', () => {
  it('fills defaults and refuses half keys and relative folders', () => {
    expect(DmsFilesSettings.parse({ location: { type: 's3', bucket: 'acme-dms' } })).toMatchObject({
      location: { prefix: '', region: 'us-east-1', forcePathStyle: false },
      files: { sales: 'sales/*.csv', 'cdk-sales': 'cdk/*.csv', customers: 'customers/*.csv' },
      pageSize: 1000,
      delimiter: ',',
      encoding: 'utf8',
    });
    expect(
      DmsFilesSettings.safeParse({ location: { type: 'local', folder: 'exports' } }).success,
    ).toBe(false);
    expect(DmsFilesCredentials.safeParse({ accessKeyId: 'AKIA' }).success).toBe(false);
    expect(DmsFilesCredentials.safeParse({}).success).toBe(true);
  });

  it('tests the connection: a readable folder passes, a missing one fails as permanent', async () => {
    await expect(dmsFiles.check!(ctxOn(dir))).resolves.toBeUndefined();
    const missing = await dmsFiles.check!(ctxOn(join(dir, 'nope'))).catch((e: unknown) => e);
    expect(dmsFiles.classify!(missing)).toBeInstanceOf(PermanentError);
  });
});
