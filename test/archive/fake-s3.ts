import { Readable } from 'node:stream';

import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { vi } from 'vitest';

/**
 * Replaces `S3Client#send` with an in-memory bucket that follows S3's documented listing rules:
 * keys in UTF-8 binary order, `Prefix`, `StartAfter`, `MaxKeys` and `ContinuationToken`
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). Only the commands
 * the archive sends are understood.
 * @returns the stored objects and how many list requests were made; call `restore()` after.
 */
export function fakeS3(bucket: string) {
  const objects = new Map<string, Buffer>();
  const calls = { list: 0 };
  const fail = (name: string, status: number) =>
    new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status } });

  const send = async (command: unknown): Promise<unknown> => {
    const input = (command as { input: { Bucket?: string } }).input;
    if (input.Bucket !== bucket) throw fail('NotFound', 404);
    if (command instanceof HeadBucketCommand) return {};
    if (command instanceof PutObjectCommand) {
      objects.set(command.input.Key!, Buffer.from(command.input.Body as Buffer));
      return {};
    }
    if (command instanceof GetObjectCommand) {
      const body = objects.get(command.input.Key!);
      if (!body) throw new NoSuchKey({ message: 'no such key', $metadata: {} });
      return { Body: Readable.from([body]) };
    }
    if (command instanceof ListObjectsV2Command) {
      calls.list++;
      const { Prefix = '', StartAfter = '', MaxKeys = 1000, ContinuationToken } = command.input;
      const after = ContinuationToken
        ? Buffer.from(ContinuationToken, 'base64').toString()
        : StartAfter;
      const keys = [...objects.keys()].filter((k) => k.startsWith(Prefix) && k > after).sort();
      const page = keys.slice(0, MaxKeys);
      const truncated = keys.length > page.length;
      return {
        Contents: page.map((Key) => ({ Key })),
        IsTruncated: truncated,
        NextContinuationToken: truncated ? Buffer.from(page.at(-1)!).toString('base64') : undefined,
      };
    }
    throw new Error(`fake S3 does not know ${String(command)}`);
  };
  const spy = vi.spyOn(S3Client.prototype, 'send').mockImplementation(send as never);
  return { objects, calls, restore: () => spy.mockRestore() };
}
