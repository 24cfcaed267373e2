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
import { openTestHub } from '../../test/support/hub.ts';

/** What the parent asks for. */
export interface HubTask {
  prefix: string;
  tenantId: string;
  task: 'recompute' | 'report';
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

const task = JSON.parse(process.argv[2] ?? '{}') as HubTask;
// The hub on the bench's prefix; never cleaned up here (the parent owns the keys).
const t = await openTestHub({ REDIS_PREFIX: task.prefix });
const { hub } = t;
const answer: HubAnswer = { ms: [], rssMb: 0 };
try {
  if (task.task === 'recompute') {
    const t0 = performance.now();
    answer.sales = await hub.attribution.recompute(task.tenantId);
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
