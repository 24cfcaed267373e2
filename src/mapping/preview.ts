import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import type { MappingDoc, MappingResult } from './compile.ts';
import { PREVIEW_TIME_LIMIT_MS } from './limits.ts';

/** What a preview maps: a validated mapping, records, and the direction. */
export interface PreviewJob {
  doc: MappingDoc;
  records: unknown[];
  direction: 'in' | 'out';
}

/** One record's preview: its key and the mapping's result. */
export type PreviewResult = MappingResult & { recordKey: string | undefined };

/** The results, or why there are none (the time limit, or the mapping threw). */
export type PreviewOutcome =
  { ok: true; results: PreviewResult[] } | { ok: false; problem: string };

/** How long the thread may take to load the mapping code before its time starts. */
const BOOT_LIMIT_MS = 120_000;

const here = fileURLToPath(import.meta.url);
const workerFile = new URL(`./preview-worker${extname(here)}`, import.meta.url);

/**
 * Starts the preview thread. From TypeScript source (tsx), the thread loads its file through
 * tsx's API: Node 20 does not hand a `--import` loader on to worker threads.
 */
function startWorker(job: PreviewJob): Worker {
  if (extname(here) !== '.ts') return new Worker(workerFile, { workerData: job });
  const [file, parent] = [JSON.stringify(workerFile.href), JSON.stringify(import.meta.url)];
  const boot = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${file}, ${parent}))`;
  return new Worker(boot, { eval: true, workerData: job });
}

/**
 * Maps records through a mapping in a worker thread that is stopped after `limitMs` (from when
 * the mapping is compiled): a pattern or a value that makes mapping take too long can never hang
 * the caller, whether the CLI or the dashboard's server.
 */
export function previewInWorker(
  job: PreviewJob,
  limitMs = PREVIEW_TIME_LIMIT_MS,
): Promise<PreviewOutcome> {
  return new Promise((resolve) => {
    const worker = startWorker(job);
    const finish = (outcome: PreviewOutcome) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    const stop = (ms: number, what: string) =>
      setTimeout(() => finish({ ok: false, problem: `${what} (${ms} ms)` }), ms);
    let timer = stop(BOOT_LIMIT_MS, 'the preview did not start in time');
    worker.on('message', (m: { ready?: true; results?: PreviewResult[] }) => {
      if (m.ready) {
        clearTimeout(timer);
        timer = stop(
          limitMs,
          'preview stopped: mapping the records took longer than the time limit ' +
            '(PREVIEW_TIME_LIMIT_MS); a pattern in the mapping may backtrack on this value',
        );
      } else if (m.results) finish({ ok: true, results: m.results });
    });
    worker.on('error', (err) => finish({ ok: false, problem: `preview failed: ${err.message}` }));
    worker.on('exit', (code) =>
      finish({ ok: false, problem: `preview thread ended (exit code ${code})` }),
    );
  });
}
