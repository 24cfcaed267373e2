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
 * Starts a preview thread. From TypeScript source (tsx), the thread loads its file through
 * tsx's API: Node 20 does not hand a `--import` loader on to worker threads.
 */
function startWorker(): Worker {
  if (extname(here) !== '.ts') return new Worker(workerFile);
  const [file, parent] = [JSON.stringify(workerFile.href), JSON.stringify(import.meta.url)];
  const boot = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${file}, ${parent}))`;
  return new Worker(boot, { eval: true });
}

/** A thread whose last job finished, kept for the next (loading the mapping code takes seconds). */
let idle: Worker | undefined;

function take(): Worker {
  const worker = idle ?? startWorker();
  idle = undefined;
  worker.ref();
  return worker;
}

function giveBack(worker: Worker): void {
  // This job's listeners only: the Worker's own (port referencing) must stay.
  for (const event of ['message', 'error', 'exit']) worker.removeAllListeners(event);
  if (idle) void worker.terminate();
  else {
    worker.unref(); // an idle thread never keeps the process alive
    worker.on('error', () => (idle === worker ? (idle = undefined) : undefined));
    worker.on('exit', () => (idle === worker ? (idle = undefined) : undefined));
    idle = worker;
  }
}

/**
 * Maps records through a mapping in a worker thread that is stopped after `limitMs` (from when
 * the mapping is compiled): a pattern or a value that makes mapping take too long can never hang
 * the caller, whether the CLI or the dashboard's server. A stopped thread is replaced.
 */
export function previewInWorker(
  job: PreviewJob,
  limitMs = PREVIEW_TIME_LIMIT_MS,
): Promise<PreviewOutcome> {
  return new Promise((resolve) => {
    const worker = take();
    let done = false;
    const finish = (outcome: PreviewOutcome, reuse = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (reuse) giveBack(worker);
      else void worker.terminate();
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
      } else if (m.results) finish({ ok: true, results: m.results }, true);
    });
    worker.on('error', (err) => finish({ ok: false, problem: `preview failed: ${err.message}` }));
    worker.on('exit', (code) =>
      finish({ ok: false, problem: `preview thread ended (exit code ${code})` }),
    );
    worker.postMessage(job);
  });
}
