import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

import { notFound } from '../errors/app-error.ts';
import { ObjectArchive } from './base.ts';
import { archiveUnavailable, reasonOf } from './errors.ts';

/**
 * The archive in a folder on local disk: the embedded default. Each key is a file path below
 * the root; objects are written to a hidden temporary file and renamed into place, so a reader
 * never sees half an object.
 *
 * @example
 * const archive = new LocalArchive('./data/archive');
 * await archive.append({ tenantId: 'acme', connectionId: 'c_1f', stream: 'leads', kind: 'raw' }, payloads);
 */
export class LocalArchive extends ObjectArchive {
  /** Absolute path of the root folder. */
  readonly root: string;
  /** `file://` URL of the root folder. */
  readonly location: string;

  /** @param root - The archive's folder; created on first write. */
  constructor(root: string) {
    super();
    this.root = resolve(root);
    this.location = pathToFileURL(this.root).href;
  }

  protected async put(key: string, body: Buffer): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true });
    // Hidden and without the object suffix, so listing never returns it; same folder, so the
    // rename is atomic (POSIX rename(2) within one file system).
    const temp = join(dirname(file), `.${randomBytes(8).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /**
   * Walks the folders below `prefix` depth first. Entries are ordered as whole keys (a folder as
   * `name/`), so `a-b/` comes before `a/` exactly as S3 orders the keys beneath them; folders
   * whose keys all sort before `startAfter` are not entered.
   */
  protected async *listKeys(prefix: string, startAfter?: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.pathOf(prefix), { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw err;
    }
    const keys = entries
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => prefix + e.name + (e.isDirectory() ? '/' : ''))
      .sort();
    for (const key of keys) {
      if (!key.endsWith('/')) {
        if (startAfter === undefined || key > startAfter) yield key;
      } else if (startAfter === undefined || key > startAfter || startAfter.startsWith(key)) {
        yield* this.listKeys(key, startAfter);
      }
    }
  }

  protected async open(key: string): Promise<Readable> {
    try {
      return (await open(this.pathOf(key), 'r')).createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`Archive object ${key}`);
      throw err;
    }
  }

  /** Creates the root folder if needed and proves it writable with a probe file. */
  async ping(): Promise<void> {
    const probe = join(this.root, `.ping-${randomBytes(8).toString('hex')}`);
    try {
      await mkdir(this.root, { recursive: true });
      await (await open(probe, 'wx')).close();
      await rm(probe, { force: true });
    } catch (err) {
      throw archiveUnavailable(
        `Archive folder ${this.root} is not writable: ${reasonOf(err)}`,
        err,
      );
    }
  }

  // Keys are checked against the layout before they get here, so they cannot hold `..`.
  private pathOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }
}
