/**
 * Sums a V8 CPU profile (`node --cpu-prof`) by function and file: the top self times, then the
 * top inclusive times of the hub's own functions (src/). Used to find where a bench's hub task
 * spends its CPU, e.g. the attribution recompute (issue 13):
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/support/attribution-hub.ts \
 *     '{"prefix":"<bench prefix>","tenantId":"store-a","task":"recompute"}'
 *   npx tsx bench/support/profile-top.ts /tmp/prof/CPU.<...>.cpuprofile [rows]
 *
 * (`--cpu-prof` writes one file per thread; the largest is the main thread's.)
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [rows]');
const rows = Number(rowsArg ?? 40);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: ProfileNode) => {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url.replace(/^.*\/(src|bench|connectors|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
};

// Microseconds per sampled node, then per function: its own samples, and every sample it is on
// the stack of (counted once per sample however deep it recurses).
const perNode = new Map<number, number>();
let total = 0;
p.samples.forEach((id, i) => {
  const us = p.timeDeltas[i] ?? 0;
  perNode.set(id, (perNode.get(id) ?? 0) + us);
  total += us;
});
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of perNode) {
  const key = name(byId.get(id)!);
  self.set(key, (self.get(key) ?? 0) + us);
  const seen = new Set<string>();
  for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
    const k = name(byId.get(x)!);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}

const print = (title: string, m: Map<string, number>, keep: (k: string) => boolean) => {
  process.stdout.write(`--- ${title}\n`);
  const top = [...m].filter(([k]) => keep(k)).sort((a, b) => b[1] - a[1]);
  for (const [k, us] of top.slice(0, rows)) {
    const ms = (us / 1000).toFixed(0).padStart(7);
    process.stdout.write(`${ms} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}\n`);
  }
};
process.stdout.write(`sampled ${(total / 1000).toFixed(0)} ms\n`);
print('self time', self, () => true);
print('inclusive time, src/ only', inclusive, (k) => k.includes(' src/'));
