/**
 * The hub's side of the attribution bench, in a process of its own (so its peak RSS is the hub's,
 * not the generator's or DuckDB's): opens a hub on the bench's Redis prefix and runs one task,
 * printing one JSON line with the timings (ms) and its peak RSS (MB).
 *
 *   tsx bench/support/attribution-hub.ts '{"prefix":"t1234","tenantId":"store-a","task":"recompute"}'
 *   tsx bench/support/attribution-hub.ts '{"prefix":…,"task":"report","models":["last_touch"],"from":…,"to":…,"calls":40}'
 */
import { performance } from 'node:perf_hooks';

import type { Model } from '../../src/attribution/types.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { openTestHub } from '../../test/support/hub.ts';

/** What the parent asks for. */
export interface HubTask {
  prefix: string;
  tenantId: string;
  /**
   * `floor`: what any recompute on these records must do at the least: read every record by id
   * (pipelined pages, as the recompute does, decoded) and write one "seen" entry per lead,
   * touchpoint and spend row (to a scratch hash, deleted after).
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
  const records = new RecordStore(hub.redis, hub.keys);
  const scratch = hub.keys.attrGen(task.tenantId, 'floor', 'seen');
  for (const entity of ['sale', 'lead', 'touchpoint', 'spend']) {
    const ids = await hub.redis.zrange(hub.keys.recordIds(task.tenantId, entity), 0, -1);
    for (let i = 0; i < ids.length; i += 4_000) {
      const pages = await Promise.all(
        [0, 1, 2, 3]
          .map((j) => ids.slice(i + j * 1_000, i + (j + 1) * 1_000))
          .filter((c) => c.length)
          .map((c) => records.getMany(task.tenantId, entity, c, { lean: true })),
      );
      if (entity === 'sale') continue;
      const fields: string[] = [];
      for (const r of pages.flat())
        if (r) fields.push(`${entity}:${r.id}`, `${r.customerId ?? ''}\t${r.v}\t1\t`);
      if (fields.length) await hub.redis.hset(scratch, ...fields);
    }
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
