import { describe, expect, it } from 'vitest';

import { runSync } from '../../src/sync/run-sync.ts';
import { REFUSED_BATCHES, SPLIT_REQUESTS } from '../../src/sync/sink-write.ts';
import { ingestContacts, useEngineWithSystems } from '../support/engine.ts';
import type { BatchFault } from '../support/fake-system.ts';
import { expectExactlyOnce } from './support.ts';

const t = useEngineWithSystems('source', 'dest');
const svc = () => t.h.engine.service.svc;

const RECORDS = 300;
const BATCH = 100;
const emailOf = (r: { record: Record<string, unknown> }) =>
  (r.record.contact as { email: string }).email;

/** 300 contacts read into the hub, and an outbound sync to the destination in batches of 100. */
async function setup() {
  await ingestContacts(t.h, t.source, RECORDS);
  return t.h.addSync({
    connectionId: await t.h.connect('crm-b', t.dest, { batchSize: BATCH }),
    mapping: 'crm-b-people',
    mode: 'outbound',
  });
}

/** The emails the destination holds, each as often as it holds it. */
const atDestination = () =>
  t.dest.list('people').map((r) => (r.contact as { email: string }).email);
/** The source's records that should arrive: all but the bad ones (`except`, quarantined). */
const expected = (except: readonly number[] = []) =>
  Array.from({ length: RECORDS }, (_, i) => i)
    .filter((i) => !except.includes(i))
    .map((i) => `person${i}@example.com`);
const writes = () => t.dest.count('POST', '/people/batch');

/** Runs the outbound sync with `fault` on every write; checks the run and what arrived. */
async function runWith(fault: NonNullable<typeof t.dest.batchFault>) {
  const outbound = await setup();
  t.dest.batchFault = fault;
  const report = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
  expect(report?.status).toBe('succeeded');
  const quarantine = await svc().quarantine.list(t.h.tenantId, outbound.id);
  const deadLetters = await svc().deadLetters.list(t.h.tenantId, outbound.id);
  return { outbound, report: report!, quarantine, deadLetters };
}

describe('sink faults: the destination ends with exactly the source records, once', () => {
  it('400 for a whole batch holding one bad record: the batch is split, the bad ones quarantined', async () => {
    const bad = new Set(['person7@example.com', 'person150@example.com', 'person299@example.com']);
    const { outbound, report, quarantine, deadLetters } = await runWith((items) =>
      items.some((i) => bad.has(emailOf(i)))
        ? {
            kind: 'status',
            status: 400,
            body: {
              error: `invalid email in batch: ${items
                .filter((i) => bad.has(emailOf(i)))
                .map(emailOf)
                .join(', ')}`,
            },
          }
        : null,
    );
    expectExactlyOnce(
      'sink 400 on batches holding 3 bad records',
      expected([7, 150, 299]),
      atDestination(),
      RECORDS,
    );
    expect(report.counts).toMatchObject({ written: 297, quarantined: 3, failed: 0 });
    expect(deadLetters).toEqual([]);
    expect(quarantine.map((q) => (q.record.contact as { email: string }).email).sort()).toEqual(
      [...bad].sort(),
    );
    for (const q of quarantine) {
      const email = (q.record.contact as { email: string }).email;
      expect(q.problems[0]!.reason).toMatch(/answered 400/);
      expect(q.problems[0]!.reason).toContain(email);
    }
    // 3 batches of 100 in record id order: the 3 bad records fall into 1 to 3 of them.
    expect(report.notes?.[REFUSED_BATCHES]).toBeGreaterThanOrEqual(1);
    expect(report.notes?.[REFUSED_BATCHES]).toBeLessThanOrEqual(3);
    console.log(
      `400 scenario: ${RECORDS} records, ${writes()} write requests (${RECORDS / BATCH} batches, ${report.notes?.[SPLIT_REQUESTS]} more to find 3 bad records)`,
    );
    // The cursor moved on: the next run sends nothing and quarantines nothing again.
    const again = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(again?.counts).toMatchObject({ written: 0, quarantined: 0 });
    expect(await svc().quarantine.count(t.h.tenantId)).toBe(3);
  });

  it('413 for batches above 40 items: smaller batches deliver everything, nothing quarantined', async () => {
    const { report, quarantine, deadLetters } = await runWith((items) =>
      items.length > 40 ? { kind: 'status', status: 413, body: { error: 'too large' } } : null,
    );
    expectExactlyOnce('sink 413 above 40 items', expected(), atDestination());
    expect(report.counts).toMatchObject({ written: RECORDS, quarantined: 0, failed: 0 });
    expect(quarantine).toEqual([]);
    expect(deadLetters).toEqual([]);
    console.log(`413 scenario: ${RECORDS} records, ${writes()} write requests`);
  });

  it('429 with Retry-After and 5xx bursts: retried with backoff, delivered once', async () => {
    const { report } = await runWith((_items, n) =>
      n <= 2
        ? { kind: 'status', status: 429, retryAfter: 1 }
        : n <= 5
          ? { kind: 'status', status: n === 4 ? 502 : 503 }
          : null,
    );
    expectExactlyOnce('sink 429 + Retry-After and 5xx bursts', expected(), atDestination());
    expect(report.counts).toMatchObject({ written: RECORDS, failed: 0, quarantined: 0 });
    expect(t.dest.requests.filter((r) => r.status === 429)).toHaveLength(2);
    console.log(`429/5xx scenario: ${RECORDS} records, ${writes()} write requests`);
  });

  it('connection resets before and after the write is applied: resent with the same keys, once', async () => {
    const faults: (BatchFault | null)[] = [
      { kind: 'reset' },
      { kind: 'reset', afterApply: true },
      null,
      { kind: 'reset', afterApply: true },
    ];
    const { report } = await runWith((_items, n) => faults[n - 1] ?? null);
    expectExactlyOnce('sink connection resets before/after apply', expected(), atDestination());
    expect(report.counts).toMatchObject({ written: RECORDS, failed: 0, quarantined: 0 });
    // Two resets came after the write was applied: their items arrived twice, applied once.
    expect(t.dest.delivered).toBeGreaterThan(RECORDS);
    console.log(`reset scenario: ${RECORDS} records, ${writes()} write requests`);
  });

  it('slow bodies: answers dribbled out are read whole', async () => {
    const { report } = await runWith(() => ({ kind: 'slow', chunkMs: 25 }));
    expectExactlyOnce('sink slow bodies', expected(), atDestination());
    expect(report.counts).toMatchObject({ written: RECORDS, failed: 0 });
    expect(writes()).toBe(RECORDS / BATCH);
  });

  it('a garbled 200 once: retried (the write was applied), delivered once', async () => {
    const { report, deadLetters } = await runWith((_items, n) =>
      n === 2 ? { kind: 'garble' } : null,
    );
    expectExactlyOnce('sink garbled 200 once', expected(), atDestination());
    expect(report.counts).toMatchObject({ written: RECORDS, failed: 0, quarantined: 0 });
    expect(deadLetters).toEqual([]);
    console.log(`garbled-once scenario: ${RECORDS} records, ${writes()} write requests`);
  });

  it('a batch whose answer never parses: its records become dead letters and the sync moves on', async () => {
    const { outbound, report, deadLetters } = await runWith((items) =>
      items.some((i) => emailOf(i) === 'person150@example.com') ? { kind: 'garble' } : null,
    );
    // The batch was applied each time (the garbling came after), once per idempotency key.
    expectExactlyOnce(
      'sink answer never parses (100 dead letters, applied)',
      expected(),
      atDestination(),
    );
    expect(report.counts).toMatchObject({ written: 200, failed: 100, quarantined: 0 });
    expect(deadLetters).toHaveLength(100);
    expect(deadLetters.map((d) => (d.record.contact as { email: string }).email)).toContain(
      'person150@example.com',
    );
    expect(deadLetters[0]!.problems[0]!.reason).toMatch(/cannot be read/);
    const again = await runSync(svc(), t.h.tenantId, outbound.id, 'manual');
    expect(again?.counts).toMatchObject({ written: 0, failed: 0 });
  });

  it('all of it at once, with 3 bad records: 297 delivered once, 3 quarantined', async () => {
    const bad = new Set(['person1@example.com', 'person42@example.com', 'person250@example.com']);
    // A fixed pseudo-random schedule (LCG) of faults, so a failure replays the same way.
    let seed = 20261203;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const { report, quarantine, deadLetters } = await runWith((items) => {
      if (items.length > 60) return { kind: 'status', status: 413 };
      const roll = next();
      if (roll < 0.05) return { kind: 'reset' };
      if (roll < 0.1) return { kind: 'status', status: 503 };
      if (roll < 0.15) return { kind: 'status', status: 429, retryAfter: 0 };
      // Bad records are refused before anything is applied; faults after applying come next.
      if (items.some((i) => bad.has(emailOf(i))))
        return { kind: 'status', status: 400, body: { error: 'invalid record' } };
      if (roll < 0.2) return { kind: 'reset', afterApply: true };
      if (roll < 0.25) return { kind: 'garble' };
      return roll < 0.4 ? { kind: 'slow', chunkMs: 5 } : null;
    });
    expectExactlyOnce(
      'sink all faults mixed, 3 bad records',
      expected([1, 42, 250]),
      atDestination(),
      RECORDS,
    );
    expect(report.counts).toMatchObject({ written: 297, quarantined: 3, failed: 0 });
    expect(quarantine.map((q) => (q.record.contact as { email: string }).email).sort()).toEqual(
      [...bad].sort(),
    );
    expect(deadLetters).toEqual([]);
    console.log(`mixed scenario: ${RECORDS} records, ${writes()} write requests`);
  });
});
