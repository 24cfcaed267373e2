import { isDeepStrictEqual } from 'node:util';

import { compileMapping, loadMappingFile } from '../src/mapping/index.ts';
import { handWritten } from './hand-written.ts';
import { jsonataPeer } from './jsonata-peer.ts';
import { leadRecords } from './lead-records.ts';

// Benchmark: one realistic lead mapping (bench/fixtures/hubspot-contact-lead.yaml, 25 fields in) run by our
// engine, by JSONata (compiled once) and by a hand-written function, in one process over the same
// records. Outputs are asserted equal on a sample before anything is timed.
const RECORDS = 20_000;
const ROUNDS = 7;

/** Drops empty objects, which JSONata's object constructor keeps and the others do not create. */
function prune(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = prune(x);
    if (p !== undefined && !(typeof p === 'object' && p !== null && Object.keys(p).length === 0))
      out[k] = p;
  }
  return out;
}

async function rate(
  run: (records: unknown[]) => Promise<number> | number,
  records: unknown[],
): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = process.hrtime.bigint();
    const sink = await run(records);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (sink < 0) throw new Error('unreachable');
    samples.push((records.length / ms) * 1000);
  }
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const loaded = await loadMappingFile('bench/fixtures/hubspot-contact-lead.yaml');
if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.format()).join('\n'));
const mapping = compileMapping(loaded.doc);
const evaluate = jsonataPeer();
const records = leadRecords(RECORDS);

let checked = 0;
for (const rec of records.slice(0, 2000)) {
  const ours = prune(mapping.in(rec).value);
  const hand = prune(handWritten(rec));
  const jn = prune(await evaluate(rec));
  if (!isDeepStrictEqual(ours, hand) || !isDeepStrictEqual(ours, jn)) {
    throw new Error(
      `outputs differ for ${JSON.stringify(rec)}:\nengine ${JSON.stringify(ours)}\nhand   ${JSON.stringify(hand)}\njsonata ${JSON.stringify(jn)}`,
    );
  }
  checked++;
}

const engine = await rate(
  (rs) => rs.reduce((n: number, r) => n + (mapping.in(r).errors.length + 1), 0),
  records,
);
const hand = await rate(
  (rs) =>
    rs.reduce(
      (n: number, r) => n + Object.keys(handWritten(r as Record<string, unknown>)).length,
      0,
    ),
  records,
);
const jsonataRate = await rate(
  async (rs) => {
    let n = 0;
    for (const r of rs.slice(0, 4000)) n += (await evaluate(r)) ? 1 : 0;
    return n;
  },
  records.slice(0, 4000),
);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);
const out = (s: string) => process.stdout.write(`${s}\n`);
out(
  `mapping: ${loaded.doc.file} (${mapping.fields.length} fields), ${RECORDS} records, outputs equal on ${checked} records`,
);
out(`engine        ${fmt(engine)} records/s`);
out(`hand-written  ${fmt(hand)} records/s`);
out(`jsonata       ${fmt(jsonataRate)} records/s`);
out(`engine / jsonata      ${(engine / jsonataRate).toFixed(1)}x   (goal ≥ 10x)`);
out(`engine / hand-written ${(engine / hand).toFixed(2)}x  (goal ≥ 0.5x)`);
out(`engine ≥ 150,000 records/s on one core: ${engine >= 150_000 ? 'yes' : 'NO'}`);
