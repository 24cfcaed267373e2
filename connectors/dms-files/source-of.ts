import type { DmsFilesCredentials, DmsFilesSettings } from './settings.ts';
import { LocalFolderSource } from './sources/local.ts';
import { S3PrefixSource } from './sources/s3.ts';
import type { FileSource } from './sources/source.ts';

// One source per opened connection: the engine parses settings once per run, so the object
// identity is the run's, and the S3 client (with its sockets) is reused across its pages.
const cache = new WeakMap<object, FileSource>();

/** The file source of a connection's settings and credentials. */
export function sourceOf(settings: DmsFilesSettings, creds: DmsFilesCredentials): FileSource {
  let source = cache.get(settings);
  if (!source) {
    const loc = settings.location;
    source =
      loc.type === 'local' ? new LocalFolderSource(loc.folder) : new S3PrefixSource(loc, creds);
    cache.set(settings, source);
  }
  return source;
}
