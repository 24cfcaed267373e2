/**
 * Where the sync engine's CPU goes, per record, in one process and without contention (what
 * bench:sync cannot show: there all processes share two saturated cores).
 *
 * - inbound: `ingestPage` over pages of 1,000 source records, two pages in flight as a run has them
 *   (archive, map, validate, identity, compare-and-set, change log, links).
 * - outbound: the run's steps from the change log to an in-memory sink (read, map, hash, write in
 *   batches of 500 under the connection's shared rate limit, destination state).
 * - each with the Redis CPU it caused (INFO cpu before and after: approximate, the Redis is shared)
 *   and the Redis commands it sent (INFO commandstats, likewise).
 * - the peer, run side by side in this process: the bare steps the design cannot skip, with no
 *   Redis, HTTP or identity: parse the page, archive it, map in, write the stored form, read it back,
 *   map out, hash, write the sink's JSON.
 *
 *   npm run bench:sync-cpu            (100,000 records, 3 rounds)
 *   RECORDS=20000 ROUNDS=5 npm run bench:sync-cpu
 */
import { hash } from 'node:crypto';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

import { connectors } from '../connectors/index.ts';
import { flatten, unflatten } from '../src/records/flat.ts';
import { ConnectorRegistry } from '../src/sdk/registry.ts';
import { openConnection } from '../src/sync/connection-runtime.ts';
import { ingestPage } from '../src/sync/inbound.ts';
import { DirectoryMappingSource } from '../src/sync/mapping-source.ts';
import { prepareStep, writeStep, type OutboundScope } from '../src/sync/outbound.ts';
import { createSyncServices } from '../src/sync/services.ts';
import { stableStringify } from '../src/sync/out-hash.ts';
import type { SinkItem } from '../src/sdk/connector.ts';
import { openTestHub } from '../test/support/hub.ts';
import { sourceContact } from './support/contacts.ts';
import { BENCH_REDIS_URL, benchRedis } from './support/redis.ts';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PAGE = 1_000;
const SINK_BATCH = 500;

const probe = benchRedis();
const mappings = new DirectoryMappingSource(
  join(import.meta.dirname, '../test/sync/fixtures/mappings'),
);
const mapping = await mappings.get('crm-a-contacts');
const registry = new ConnectorRegistry(connectors);
/** The source's pages as it sends them. */
const pages = Array.from({ length: Math.ceil(RECORDS / PAGE) }, (_, p) =>
  JSON.stringify(
    Array.from({ length: Math.min(PAGE, RECORDS - p * PAGE) }, (_, j) =>
      sourceContact(p * PAGE + j),
    ),
  ),
);

/** Redis's CPU seconds and per-command calls and µs so far. */
async function redisStats() {
  const [cpu, cmds] = await Promise.all([probe.info('cpu'), probe.info('commandstats')]);
  const num = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const m of cmds.matchAll(/cmdstat_(\w+):calls=(\d+),usec=(\d+)/g))
    commands.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  return { cpu: num('used_cpu_user') + num('used_cpu_sys'), commands };
}

/** Process and Redis CPU per record while `body` runs, and the commands it sent. */
async function measure(body: () => Promise<void>) {
  const before = await redisStats();
  const start = process.cpuUsage();
  await body();
  const used = process.cpuUsage(start);
  const after = await redisStats();
  const commands = [...after.commands]
    .map(([name, c]) => {
      const b = before.commands.get(name) ?? { calls: 0, usec: 0 };
      return { name, calls: c.calls - b.calls, usec: c.usec - b.usec };
    })
    .filter((c) => c.calls > 0 && c.name !== 'info')
    .sort((a, b) => b.usec - a.usec);
  return {
    processUs: (used.user + used.system) / RECORDS,
    redisUs: ((after.cpu - before.cpu) * 1e6) / RECORDS,
    commands: commands
      .map((c) => `${c.name} ${c.calls} (${(c.usec / RECORDS).toFixed(1)} µs/rec)`)
      .join(', '),
  };
}

/** One round of the engine's two halves, on a hub of its own. */
async function engineRound() {
  const t = await openTestHub({ LOG_LEVEL: 'warn', REDIS_URL: BENCH_REDIS_URL });
  try {
    const svc = createSyncServices(t.hub, registry, mappings);
    const tenantId = 'bench';
    await t.hub.tenants.create({ id: tenantId, name: 'Bench Motors' });
    const connect = async (name: string) =>
      (
        await t.hub.connections.create(tenantId, {
          connectorId: 'http-json',
          name,
          settings: {
            baseUrl: `http://${name}.invalid`,
            pageSize: PAGE,
            batchSize: SINK_BATCH,
            requestsPerSecond: 10_000,
          },
        })
      ).id;
    const inbound = await svc.syncs.create(tenantId, {
      name: 'in',
      connectionId: await connect('source'),
      mapping: mapping.name,
      mode: 'inbound',
    });
    const outbound = await svc.syncs.create(tenantId, {
      name: 'out',
      connectionId: await connect('sink'),
      mapping: mapping.name,
      mode: 'outbound',
    });
    const connector = registry.get('http-json');
    const inScope = { sync: inbound, connector, mapping, stream: 'contacts', twoWay: false };
    const into = await measure(async () => {
      const inFlight: Promise<unknown>[] = [];
      for (const text of pages) {
        if (inFlight.length === 2) await inFlight.shift();
        inFlight.push(ingestPage(svc, inScope, JSON.parse(text) as Record<string, unknown>[]));
      }
      await Promise.all(inFlight);
    });
    let delivered = 0;
    const sink = {
      write: async (_ctx: unknown, items: SinkItem[]) => {
        delivered += items.length;
        JSON.stringify({ items }); // what an HTTP sink would send
        return items.map((i) => ({ ok: true as const, destinationId: `x-${i.canonicalId}` }));
      },
    };
    const rt = await openConnection(t.hub, registry, tenantId, outbound.connectionId);
    const outScope: OutboundScope = {
      sync: outbound,
      mapping,
      sinkName: 'contacts',
      sink: sink as never,
      rt,
    };
    const out = await measure(async () => {
      // As a run does it: the next step is read and mapped while one is written.
      let next = prepareStep(svc, outScope, '0-0');
      for (;;) {
        const step = await next;
        if (step.cursor === null) break;
        next = prepareStep(svc, outScope, step.cursor);
        await writeStep(svc, outScope, step);
      }
    });
    if (delivered !== RECORDS) throw new Error(`the sink got ${delivered} of ${RECORDS} records`);
    return { into, out };
  } finally {
    await t.cleanup();
  }
}

/** The peer: the steps the design cannot skip, with nothing else. */
async function bareRound() {
  let bytes = 0;
  const m = await measure(async () => {
    for (const text of pages) {
      const records = JSON.parse(text) as Record<string, unknown>[];
      let archived = '';
      for (const r of records) archived += `${JSON.stringify(r)}\n`;
      bytes += gzipSync(archived, { level: constants.Z_BEST_SPEED }).length;
      const stored = records.map(
        (r) => `1|${JSON.stringify({ f: flatten(mapping.in(r).value), d: ['http-json', 0] })}`,
      );
      const items = stored.map((s) => {
        const record = mapping.out(
          unflatten((JSON.parse(s.slice(2)) as { f: Record<string, unknown> }).f),
        ).value!;
        return { idempotencyKey: hash('sha256', stableStringify(record), 'hex'), record };
      });
      for (let i = 0; i < items.length; i += SINK_BATCH)
        bytes += JSON.stringify({ items: items.slice(i, i + SINK_BATCH) }).length;
    }
  });
  if (bytes === 0) throw new Error('nothing was produced');
  return m.processUs;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = (n: number) => `${n.toFixed(1)} µs`;
process.stdout.write(
  `records: ${RECORDS.toLocaleString('en-US')} (pages of ${PAGE}, sink batches of ${SINK_BATCH}), ${ROUNDS} rounds; CPU per record\n`,
);
const rows: { inW: number; inR: number; outW: number; outR: number; bare: number }[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const { into, out } = await engineRound();
  const bare = await bareRound();
  rows.push({
    inW: into.processUs,
    inR: into.redisUs,
    outW: out.processUs,
    outR: out.redisUs,
    bare,
  });
  process.stdout.write(
    `round ${round}: inbound ${us(into.processUs)} + Redis ${us(into.redisUs)}; outbound ${us(out.processUs)} + Redis ${us(out.redisUs)}; bare steps ${us(bare)}\n` +
      (round === 1
        ? `  inbound Redis commands: ${into.commands}\n  outbound Redis commands: ${out.commands}\n`
        : ''),
  );
}
const med = (k: keyof (typeof rows)[number]) => median(rows.map((r) => r[k]));
const engine = med('inW') + med('outW');
process.stdout.write(
  `median: engine process ${us(engine)} (inbound ${us(med('inW'))}, outbound ${us(med('outW'))}) + Redis ${us(med('inR') + med('outR'))};` +
    ` bare steps ${us(med('bare'))}; engine process / bare steps ${(engine / med('bare')).toFixed(1)}\n`,
);
await probe.quit();
