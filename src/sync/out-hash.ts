import { createHash } from 'node:crypto';

import type { SystemRecord } from '../sdk/connector.ts';
import type { SyncMapping } from './sync-mapping.ts';

/** JSON with object keys sorted, so equal records hash equal whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * Hash of a mapped outbound record (and the mapping version). Equal to the last hash written to a
 * destination means the destination already has it: the write is skipped. This is also what
 * stops two-way echo loops.
 */
export function outHash(mapping: SyncMapping, record: SystemRecord): string {
  return createHash('sha256')
    .update(mapping.hash)
    .update('\n')
    .update(stableStringify(record))
    .digest('base64url')
    .slice(0, 32);
}
