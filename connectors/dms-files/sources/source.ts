import type { Readable } from 'node:stream';

/** One export file as a listing shows it. */
export interface FileInfo {
  /** Key relative to the prefix (S3) or path relative to the folder, with `/` separators. */
  key: string;
  /** Last modified, ms since epoch (S3 LastModified, file mtime). */
  mtime: number;
  /** Size in bytes. */
  size: number;
  /** Changes whenever the content changes: the S3 ETag, or mtime and size of a local file. */
  version: string;
}

/** A file opened for reading from a byte offset, with the version that is being read. */
export interface OpenedFile extends FileInfo {
  body: Readable;
}

/** Where export files are read from: a bucket prefix or a local folder. */
export interface FileSource {
  /** Every file whose key `accept`s, in no particular order. */
  list(accept: (key: string) => boolean, signal: AbortSignal): Promise<FileInfo[]>;
  /**
   * Opens `key` from byte `start`. `null` when the file is gone, or when it no longer has
   * `version` (given when resuming: the bytes before `start` belong to that version).
   */
  open(
    key: string,
    start: number,
    version: string | null,
    signal: AbortSignal,
  ): Promise<OpenedFile | null>;
  /** Proves the location is reachable and readable ("test connection"). */
  probe(signal: AbortSignal): Promise<void>;
}
