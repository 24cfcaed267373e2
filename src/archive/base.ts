import type { Readable } from 'node:stream';

import type { Archive, ArchiveFilter, ArchiveLocation } from './archive.ts';
import { assertKey, buildKey, documentKey, groupDocumentKey } from './layout.ts';
import { decodeNdjsonGzip, encodeNdjsonGzip } from './ndjson.ts';
import { scanKeys } from './scan.ts';

/**
 * What both backends share: key layout, validation, encoding, listing order and replay. A
 * backend supplies only storage primitives: store bytes under a key, list keys, open a key.
 */
export abstract class ObjectArchive implements Archive {
  abstract readonly location: string;

  /** Stores `body` under `key` as one whole object (never visible half-written). */
  protected abstract put(key: string, body: Buffer, contentType?: string): Promise<void>;

  /** Lists keys below a folder in key order; the contract is `ListKeys`'s in `scan.ts`. */
  protected abstract listKeys(prefix: string, startAfter?: string): AsyncIterable<string>;

  /** Opens a stored object as a byte stream. @throws AppError `not_found` when missing. */
  protected abstract open(key: string): Promise<Readable>;

  /** {@inheritDoc Archive.ping} */
  abstract ping(): Promise<void>;

  /** {@inheritDoc Archive.append} */
  async append(
    loc: ArchiveLocation,
    records: readonly unknown[],
  ): Promise<{ key: string | null; count: number }> {
    return this.write(buildKey(loc), records);
  }

  /** {@inheritDoc Archive.newKey} */
  newKey(loc: ArchiveLocation): string {
    return buildKey(loc);
  }

  /** {@inheritDoc Archive.write} */
  async write(
    key: string,
    records: readonly unknown[],
  ): Promise<{ key: string | null; count: number }> {
    assertKey(key);
    if (records.length === 0) return { key: null, count: 0 };
    await this.put(key, await encodeNdjsonGzip(records));
    return { key, count: records.length };
  }

  /** {@inheritDoc Archive.list} */
  list(filter: ArchiveFilter): AsyncIterable<string> {
    return scanKeys(filter, (prefix, startAfter) => this.listKeys(prefix, startAfter));
  }

  /** {@inheritDoc Archive.read} */
  async *read(key: string): AsyncIterable<unknown> {
    assertKey(key);
    yield* decodeNdjsonGzip(await this.open(key), key);
  }

  /** {@inheritDoc Archive.putDocument} */
  async putDocument(
    tenantId: string,
    path: string,
    body: string,
    contentType: string,
  ): Promise<string> {
    return this.putText(documentKey(tenantId, path), body, contentType);
  }

  /** {@inheritDoc Archive.putGroupDocument} */
  async putGroupDocument(
    groupId: string,
    path: string,
    body: string,
    contentType: string,
  ): Promise<string> {
    return this.putText(groupDocumentKey(groupId, path), body, contentType);
  }

  /** Stores a text document under `key` as one whole object; returns the key. */
  private async putText(key: string, body: string, contentType: string): Promise<string> {
    await this.put(key, Buffer.from(body, 'utf8'), contentType);
    return key;
  }

  /** {@inheritDoc Archive.readDocument} */
  async readDocument(key: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of await this.open(key)) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  }

  /** {@inheritDoc Archive.replay} */
  async *replay(filter: ArchiveFilter): AsyncIterable<{ key: string; record: unknown }> {
    for await (const key of this.list(filter)) {
      for await (const record of this.read(key)) yield { key, record };
    }
  }
}
