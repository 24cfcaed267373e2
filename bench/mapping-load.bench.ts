import { parseDocument } from 'yaml';

import { loadMappingText } from '../src/mapping/index.ts';

// Benchmark (issue 16, mapping files): loading a mapping whose value map has 10,000 and 100,000
// entries. Linear loading takes about 10x as long for 10x the entries; the old loader (the
// `yaml` library's document with its unique-key scan) took about 100x. Side by side, in one
// process, with two peers: JSON.parse of the same data (the floor for reading that much) and the
// old parse step alone. Medians of ROUNDS rounds, taken in turn.
const ROUNDS = 5;
const OLD_UP_TO = 20_000; // the old parse is quadratic: past this it takes minutes

const head = 'connector: hubspot\nstream: contacts\nentity: customer\nrecordKey: id\nfields:\n';
function documents(n: number): { yaml: string; json: string } {
  const map: Record<string, string> = {};
  const lines = [`${head}  email:\n    from: properties.email\n    values:\n      map:\n`];
  for (let i = 0; i < n; i++) {
    lines.push(`        "v${i}": "x${i}@example.com"\n`);
    map[`v${i}`] = `x${i}@example.com`;
  }
  const doc = { connector: 'hubspot', stream: 'contacts', entity: 'customer', recordKey: 'id' };
  const fields = { email: { from: 'properties.email', values: { map } } };
  return { yaml: lines.join(''), json: JSON.stringify({ ...doc, fields }) };
}

const time = (f: () => unknown) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows: { n: number; ours: number; floor: number; old?: number }[] = [];
for (const n of [10_000, 20_000, 100_000]) {
  const { yaml, json } = documents(n);
  const ours: number[] = [];
  const floor: number[] = [];
  const old: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(
      time(() => {
        if (!loadMappingText(yaml, 'bench.yaml').ok) throw new Error('bench mapping invalid');
      }),
    );
    floor.push(time(() => JSON.parse(json)));
    if (n <= OLD_UP_TO) old.push(time(() => parseDocument(yaml).toJS()));
  }
  rows.push({
    n,
    ours: median(ours),
    floor: median(floor),
    ...(old.length ? { old: median(old) } : {}),
  });
}

const f = (ms: number) => ms.toFixed(0).padStart(7);
process.stdout.write('entries   load ms  JSON.parse ms  load/JSON   old parse ms\n');
for (const r of rows)
  process.stdout.write(
    `${String(r.n).padStart(7)}  ${f(r.ours)}  ${f(r.floor)}        ${(r.ours / r.floor).toFixed(1).padStart(6)}   ${r.old === undefined ? '      -' : f(r.old)}\n`,
  );
const [small, mid, large] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
process.stdout.write(
  `load 100k / 10k: ${(large.ours / small.ours).toFixed(1)} (linear 10, quadratic 100); ` +
    `old parse 20k / 10k: ${(mid.old! / small.old!).toFixed(1)} (linear 2, quadratic 4)\n` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
);
