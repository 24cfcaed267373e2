import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LocalArchive } from '../../src/archive/local.ts';
import { describeArchiveContract } from './contract.ts';

describeArchiveContract('local', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dl-archive-'));
  // A folder below a regular file cannot be created, even by root (ENOTDIR).
  const blocker = join(dir, 'not-a-folder');
  await writeFile(blocker, '');
  return {
    archive: new LocalArchive(join(dir, 'archive')),
    broken: new LocalArchive(join(blocker, 'archive')),
    brokenMessage: /Archive folder .*not-a-folder.* is not writable: ENOTDIR/,
    close: () => rm(dir, { recursive: true, force: true }),
  };
});
