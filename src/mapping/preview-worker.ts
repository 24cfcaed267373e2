/**
 * The thread previews map their records in (see `preview.ts`). For each job it is sent: compiles
 * the mapping, says it is ready (the time limit starts), maps every record and posts the
 * results. It is killed from outside when a job runs too long, and kept for the next otherwise.
 */
import { parentPort } from 'node:worker_threads';

import { compileMapping } from './compile.ts';
import type { PreviewJob } from './preview.ts';

parentPort!.on('message', (job: PreviewJob) => {
  const mapping = compileMapping(job.doc);
  parentPort!.postMessage({ ready: true });
  const results = job.records.map((rec) => {
    const r = job.direction === 'in' ? mapping.in(rec) : mapping.out(rec);
    const recordKey = job.direction === 'in' ? mapping.recordKey(rec) : mapping.recordKey(r.value);
    return { recordKey, ...r };
  });
  parentPort!.postMessage({ results });
});
