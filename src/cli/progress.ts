import type { SyncService } from '../sync/sync-service.ts';
import { mappingLabel, type RunReport } from '../sync/types.ts';
import { ProgressDisplay, type ProgressStream } from './progress-display.ts';

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
  const mapping = r.mapping ? ` · mapping ${mappingLabel(r.mapping)}` : '';
  const batches = `${n(r.batches)} ${r.batches === 1 ? 'batch' : 'batches'}`;
  // Why records were skipped or left out (skipped.tooOld, unmatchable.*): the counts alone do not say.
  const notes = Object.entries(r.notes ?? {}).map(([k, v]) => `${k} ${n(v)}`);
  const noted = notes.length ? ` · notes: ${notes.join(', ')}` : '';
  return `${r.status} · ${parts.join(' · ')} · ${batches}${time}${mapping}${noted}`;
}

/**
 * Waits for the first run of a sync that started at or after `since`, showing its progress on
 * stderr (a bar redrawn in place on a terminal, a line per change otherwise). Resolves with the
 * report.
 */
export async function followRun(
  sync: SyncService,
  tenantId: string,
  syncId: string,
  since: number,
  opts: { timeoutMs?: number; quiet?: boolean; signal?: AbortSignal; stream?: ProgressStream } = {},
): Promise<RunReport> {
  const end = Date.now() + (opts.timeoutMs ?? 6 * 3600_000);
  const display = opts.quiet ? null : new ProgressDisplay(`sync ${syncId}`, opts.stream);
  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      const run = (await sync.runs(tenantId, syncId, 5)).find(
        (r) => Date.parse(r.startedAt) >= since - 1000,
      );
      if (run) {
        display?.update(describeRun(run), run.batches);
        if (run.status !== 'running') return run;
      }
      if (Date.now() > end)
        throw new Error('gave up waiting for the run; is a worker running? (`dealerloop worker`)');
      await pause(500, opts.signal);
    }
  } finally {
    display?.stop();
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
