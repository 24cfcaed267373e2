import { createHash } from 'node:crypto';

import type { SystemRecord } from '../sdk/connector.ts';
import type { SyncMapping } from './sync-mapping.ts';

/** JSON with object keys sorted, so equal records hash equal whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + stableStringify(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + stableStringify(v);
  }
  return out + '}';
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
