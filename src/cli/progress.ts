import type { SyncService } from '../sync/sync-service.ts';
import type { RunReport } from '../sync/types.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** One line of a run's progress, for people. */
export function describeRun(r: RunReport): string {
  const c = r.counts;
  const parts = [
    `read ${n(c.read)}`,
    `created ${n(c.created)}`,
    `updated ${n(c.updated)}`,
    `unchanged ${n(c.unchanged)}`,
    `written ${n(c.written)}`,
    `skipped ${n(c.skipped)}`,
    `quarantined ${n(c.quarantined)}`,
    `failed ${n(c.failed)}`,
  ];
  const time = r.durationMs !== null ? ` in ${(r.durationMs / 1000).toFixed(1)} s` : '';
  return `${r.status} · ${parts.join(' · ')} · ${r.batches} batches${time}`;
}

/**
 * Waits for the first run of a sync that started at or after `since`, printing its progress to
 * stderr (one updating line on a terminal, a line per change otherwise). Resolves with the report.
 */
export async function followRun(
  sync: SyncService,
  tenantId: string,
  syncId: string,
  since: number,
  opts: { timeoutMs?: number; quiet?: boolean; signal?: AbortSignal } = {},
): Promise<RunReport> {
  const end = Date.now() + (opts.timeoutMs ?? 6 * 3600_000);
  let last = '';
  for (;;) {
    opts.signal?.throwIfAborted();
    const run = (await sync.runs(tenantId, syncId, 5)).find(
      (r) => Date.parse(r.startedAt) >= since - 1000,
    );
    if (run) {
      const line = describeRun(run);
      if (!opts.quiet && line !== last)
        process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
      last = line;
      if (run.status !== 'running') {
        if (!opts.quiet && process.stderr.isTTY) process.stderr.write('\n');
        return run;
      }
    }
    if (Date.now() > end)
      throw new Error('gave up waiting for the run; is a worker running? (`dealerloop worker`)');
    await pause(500, opts.signal);
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
