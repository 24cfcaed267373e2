/**
 * The hub's side of the attribution bench, in a process of its own (so its peak RSS is the hub's,
 * not the generator's or DuckDB's): opens a hub on the bench's Redis prefix and runs one task,
 * printing one JSON line with the timings (ms) and its peak RSS (MB).
 *
 *   tsx bench/support/attribution-hub.ts '{"prefix":"t1234","tenantId":"store-a","task":"recompute"}'
 *   tsx bench/support/attribution-hub.ts '{"prefix":…,"task":"report","models":["last_touch"],"from":…,"to":…,"calls":40}'
 */
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
   */
  task: 'recompute' | 'report' | 'floor';
  /** recompute: from every record, not the live generation's "seen" entries. */
  fromRecords?: boolean;
  /** report: the models of one call (all fetched at once), the range and the number of calls. */
  models?: Model[];
  from?: string;
  to?: string;
  calls?: number;
}

/** What the child answers. */
export interface HubAnswer {
  ms: number[];
  sales?: number;
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

const task = JSON.parse(process.argv[2] ?? '{}') as HubTask;
// The hub on the bench's prefix; never cleaned up here (the parent owns the keys).
const t = await openTestHub({ REDIS_PREFIX: task.prefix });
const { hub } = t;
const answer: HubAnswer = { ms: [], rssMb: 0 };
try {
  if (task.task === 'floor') {
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
  answer.rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify(answer)}\n`);
} finally {
  await hub.close();
}
