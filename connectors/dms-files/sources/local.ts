import { constants } from 'node:fs';
import { access, open, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';

import { PermanentError } from '../../../src/sdk/errors.ts';
import type { FileInfo, FileSource, OpenedFile } from './source.ts';

const isGone = (err: unknown) => (err as { code?: string }).code === 'ENOENT';

/** Version of a local file: its mtime (sub-millisecond) and size. */
const versionOf = (s: { mtimeMs: number; size: number }) => `${s.mtimeMs}:${s.size}`;

/**
 * Export files in a local folder (and its subfolders), e.g. where an SFTP server writes.
 * @example new LocalFolderSource('/srv/sftp/acme-ford/dms')
 */
export class LocalFolderSource implements FileSource {
  private readonly root: string;

  constructor(folder: string) {
    if (!isAbsolute(folder)) throw new PermanentError(`folder "${folder}" is not an absolute path`);
    this.root = resolve(folder);
  }

  /** The path of `key`, refusing keys that climb out of the folder. */
  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep))
      throw new PermanentError(`file key "${key}" is outside the folder`);
    return path;
  }

  async list(accept: (key: string) => boolean): Promise<FileInfo[]> {
    const names = await readdir(this.root, { recursive: true });
    const out: FileInfo[] = [];
    for (const name of names) {
      const key = name.split(sep).join('/');
      if (!accept(key)) continue;
      try {
        const s = await stat(join(this.root, name));
        if (s.isFile())
          out.push({ key, mtime: Math.floor(s.mtimeMs), size: s.size, version: versionOf(s) });
      } catch (err) {
        if (!isGone(err)) throw err;
      }
    }
    return out;
  }

  async open(key: string, start: number, version: string | null): Promise<OpenedFile | null> {
    let fh;
    try {
      fh = await open(this.pathOf(key), 'r');
    } catch (err) {
      if (isGone(err)) return null;
      throw err;
    }
    // The version comes from the opened handle, so it is the version of the bytes read.
    const s = await fh.stat();
    if (version !== null && versionOf(s) !== version) {
      await fh.close();
      return null;
    }
    return {
      key,
      mtime: Math.floor(s.mtimeMs),
      size: s.size,
      version: versionOf(s),
      body: fh.createReadStream({ start, autoClose: true }),
    };
  }

  async probe(): Promise<void> {
    await access(this.root, constants.R_OK | constants.X_OK);
    if (!(await stat(this.root)).isDirectory())
      throw new PermanentError(`"${this.root}" is not a folder`);
  }
}
