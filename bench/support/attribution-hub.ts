/**
 * The hub's side of the attribution bench, in a process of its own (so its peak RSS is the hub's,
 * not the generator's or DuckDB's): opens a hub on the bench's Redis prefix and runs one task,
 * printing one JSON line with the timings (ms) and its peak RSS (MB).
 *
 *   tsx bench/support/attribution-hub.ts '{"prefix":"t1234","tenantId":"store-a","task":"recompute"}'
 *   tsx bench/support/attribution-hub.ts '{"prefix":…,"task":"report","models":["last_touch"],"from":…,"to":…,"calls":40}'
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { decodeSaleInput, decodeTouches } from '../../src/attribution/packed.ts';
import { GEN_FIELD, KEY, StateKeys } from '../../src/attribution/state.ts';
import type { Model } from '../../src/attribution/types.ts';
import { openTestHub } from '../../test/support/hub.ts';

/** What the parent asks for. */
export interface HubTask {
  prefix: string;
  tenantId: string;
  /**
   * `floor`: the Redis traffic a recompute after a settings change cannot avoid in the stored
   * shape it reads: every compact sale input (one HVALS), the packed timelines of the sales'
   * customers (an HMGET per 1,000 sales, decoded), and one attribution written per sale (the
   * live generation's own texts, read beside the timelines and written to a scratch hash,
   * deleted after). No attribution is computed and no rollup written.
   * `nightly`: the DMS file dropped in `dir` read by a new dms-files inbound sync (connector,
   * mapping, identity, records), then the incremental reader's catch-up to updated rollups.
   */
  task: 'recompute' | 'report' | 'floor' | 'nightly';
  /** recompute: from every record, not the live generation's "seen" entries. */
  fromRecords?: boolean;
  /** report: the models of one call (all fetched at once), the range and the number of calls. */
  models?: Model[];
  from?: string;
  to?: string;
  calls?: number;
  /** nightly: the folder the file was dropped in. */
  dir?: string;
}

/** What the child answers. */
export interface HubAnswer {
  ms: number[];
  sales?: number;
  /** nightly: the sales the run created and what the catch-up did. */
  created?: number;
  caught?: unknown;
  rssMb: number;
}

/** The floor task (see `HubTask.task`). */
async function floor(): Promise<void> {
  const gen = (await hub.redis.hget(hub.keys.attrMeta(task.tenantId), GEN_FIELD)) ?? '';
  const live = new StateKeys(hub.keys, task.tenantId, gen);
  const scratch = hub.keys.attrGen(task.tenantId, 'floor', 'sales');
  const texts = await hub.redis.hvals(live.list[KEY.saleInputs]!);
  for (let i = 0; i < texts.length; i += 1_000) {
    const sales = texts.slice(i, i + 1_000).map(decodeSaleInput);
    const buyers = [...new Set(sales.flatMap((s) => (s.customerId ? [s.customerId] : [])))];
    const [timelines, attributions] = await Promise.all([
      hub.redis.hmget(live.list[KEY.timelines]!, ...buyers),
      hub.redis.hmget(live.list[KEY.sales]!, ...sales.map((s) => s.id)),
    ]);
    buyers.forEach((id, j) => decodeTouches(id, timelines[j]));
    const fields = sales.flatMap((s, j) => [s.id, attributions[j] ?? '']);
    await hub.redis.hset(scratch, ...fields);
  }
  await hub.redis.unlink(scratch);
}

/**
 * The nightly task (see `HubTask.task`): ms are the run's, then the catch-up's. The engine and
 * connector are imported here, so the other tasks' processes do not load them (about 50 MB).
 */
async function nightly(): Promise<void> {
  const [{ randomUUID }, { createEngine }, { ConnectorRegistry }, { DirectoryMappingSource }] =
    await Promise.all([
      import('node:crypto'),
      import('../../src/runtime/engine.ts'),
      import('../../src/sdk/registry.ts'),
      import('../../src/sync/mapping-source.ts'),
    ]);
  const [{ runSync }, { localSettings }, { dmsConnector }, { FAST_RETRY }] = await Promise.all([
    import('../../src/sync/run-sync.ts'),
    import('../../test/connectors/dms-files/drop.ts'),
    import('../../test/connectors/dms-files/harness.ts'),
    import('../../test/support/retry.ts'),
  ]);
  const engine = createEngine(hub, {
    registry: new ConnectorRegistry([dmsConnector]),
    mappings: new DirectoryMappingSource(),
    queueName: `sync-${randomUUID()}`,
    retry: FAST_RETRY,
  });
  try {
    const settings = localSettings(task.dir!, { pageSize: 1_000 });
    const { tenantId } = task;
    const connectorId = 'dms-files';
    const c = await hub.connections.create(tenantId, { connectorId, name: 'dms', settings });
    const mapping = 'dms-sales';
    const s = await engine.service.create(tenantId, {
      name: mapping,
      connectionId: c.id,
      mapping,
      mode: 'inbound',
    });
    const t0 = performance.now();
    answer.created = (await runSync(engine.service.svc, tenantId, s.id, 'manual'))?.counts.created;
    const t1 = performance.now();
    answer.caught = await hub.attribution.catchUp(tenantId);
    answer.ms.push(t1 - t0, performance.now() - t1);
  } finally {
    await engine.queue.queue.obliterate({ force: true }).catch(() => undefined);
    await engine.close();
  }
}

/**
 * This process's peak RSS in MB: Linux's VmHWM, the high-water mark of its own memory. Not
 * `resourceUsage().maxRSS`: on Linux a spawned process's maxrss starts at what its parent held
 * when it was spawned (it is kept across the exec), so it reported the bench process's RSS, with
 * DuckDB and the generated world, whenever that was the larger (off Linux it is all there is).
 */
function peakRssMb(): number {
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return (hwm ? Number(hwm) : process.resourceUsage().maxRSS) / 1024;
}

const task = JSON.parse(process.argv[2] ?? '{}') as HubTask;
// The hub on the bench's prefix; never cleaned up here (the parent owns the keys).
const t = await openTestHub({ REDIS_PREFIX: task.prefix });
const { hub } = t;
const answer: HubAnswer = { ms: [], rssMb: 0 };
try {
  if (task.task === 'nightly') {
    await nightly();
  } else if (task.task === 'floor') {
    const t0 = performance.now();
    await floor();
    answer.ms.push(performance.now() - t0);
  } else if (task.task === 'recompute') {
    const t0 = performance.now();
    answer.sales = await hub.attribution.recompute(task.tenantId, undefined, {
      fromRecords: task.fromRecords,
    });
    answer.ms.push(performance.now() - t0);
  } else {
    const q = { from: task.from!, to: task.to!, groupBy: 'campaign' as const };
    for (let i = 0; i < (task.calls ?? 1); i++) {
      const t0 = performance.now();
      await Promise.all(
        (task.models ?? []).map((model) => hub.attribution.report(task.tenantId, { ...q, model })),
      );
      answer.ms.push(performance.now() - t0);
    }
  }
  answer.rssMb = peakRssMb();
  process.stdout.write(`${JSON.stringify(answer)}\n`);
} finally {
  await hub.close();
}
