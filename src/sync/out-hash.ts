import { hash } from 'node:crypto';

import type { SinkDef, SystemRecord } from '../sdk/connector.ts';
import type { SyncMapping } from './sync-mapping.ts';

/**
 * Sorts keys in code-unit order, in place. Records have few keys, usually already in order:
 * insertion sort does that without the allocations of Array#sort (which dominated hashing).
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

/** JSON with object keys sorted, so equal records hash equal whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + stableStringify(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Most records are flat with their keys already in order: then this is exactly what
  // JSON.stringify writes, at half the cost of building it here.
  let flatAndSorted = true;
  for (let i = 0; i < keys.length && flatAndSorted; i++) {
    const v = obj[keys[i]!];
    flatAndSorted = (i === 0 || keys[i - 1]! < keys[i]!) && (v === null || typeof v !== 'object');
  }
  if (flatAndSorted) return JSON.stringify(obj);
  sortKeys(keys);
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + stableStringify(v);
  }
  return out + '}';
}

/**
 * Hash of a mapped outbound record for one destination record: the connection, the canonical id,
 * the mapping version and the record's fields. Equal to the last hash written to a destination
 * means the destination already has it: the write is skipped (this is also what stops two-way
 * echo loops). It is not the write's idempotency key (see `writeKey`): content comes back (A, B,
 * then A again), and a key reused for it would be answered with the first write's result.
 */
export function outHash(
  mapping: SyncMapping,
  record: SystemRecord,
  connectionId: string,
  canonicalId: string,
): string {
  // One-shot `hash` (Node ≥ 20.12): a third of the cost of createHash().update().digest().
  return hash(
    'sha256',
    `${connectionId}\n${canonicalId}\n${mapping.hash}\n${stableStringify(record)}`,
    'hex',
  ).slice(0, 40);
}

/**
 * What the destination hash covers: the mapped record as the sink sends it (`SinkDef.sent`), so a
 * field the sink leaves out never counts as a difference from what the system has.
 */
export function sentForm(
  sink: Pick<SinkDef<unknown, unknown>, 'sent'> | undefined,
  record: SystemRecord,
): SystemRecord {
  return sink?.sent ? sink.sent(record) : record;
}

/**
 * Idempotency key of one write: the destination (connection and sink), the canonical record, its
 * version and the mapping version, never the content, so A → B → A is three writes with three
 * keys, while a retry of the same write (same version) is the same key (40 hex characters).
 */
export function writeKey(
  mapping: Pick<SyncMapping, 'hash'>,
  connectionId: string,
  sinkName: string,
  canonicalId: string,
  version: number,
): string {
  return hash(
    'sha256',
    `write\n${connectionId}\n${sinkName}\n${canonicalId}\n${version}\n${mapping.hash}`,
    'hex',
  ).slice(0, 40);
}
