/**
 * The thread a preview maps its records in (see `preview.ts`): compiles the mapping, says it is
 * ready, then maps every record and posts the results. Killed from outside when it runs too long.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { compileMapping } from './compile.ts';
import type { PreviewJob } from './preview.ts';

const job = workerData as PreviewJob;
const mapping = compileMapping(job.doc);
parentPort!.postMessage({ ready: true });
const results = job.records.map((rec) => {
  const r = job.direction === 'in' ? mapping.in(rec) : mapping.out(rec);
  const recordKey = job.direction === 'in' ? mapping.recordKey(rec) : mapping.recordKey(r.value);
  return { recordKey, ...r };
});
parentPort!.postMessage({ results });
