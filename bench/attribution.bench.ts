/**
 * Attribution benchmark (issue 13): a generated tenant with 100,000 leads, 300,000 touchpoints,
 * 10,000 sales and a year of spend over 30 campaigns on real Redis (a key prefix of its own,
 * deleted after), written through the record store so the access paths exist. Measured:
 * (a) a full recompute (`attribution recompute`: from the live generation's "seen" entries, and
 * with `--from-records` from every record), (b) a nightly DMS file of 300 sales through
 * the dms-files connector, identity and the incremental reader to updated rollups, (c) the 90-day
 * report for one model and for all five (p50/p95 over repeated calls). Each of those tasks runs
 * in a hub process of its own (bench/support/attribution-hub.ts: the recomputes, the reports, the
 * nightly file's sync run and catch-up), and the bench prints each task's peak RSS (the highest
 * over its runs); this process only generates the world, drops the file and runs DuckDB. The
 * hub processes run as docker-compose.yml deploys the service that does the task in production:
 * the recomputes and the nightly file (sync run, attribution catch-up) with the worker service's
 * NODE_OPTIONS (its heap limit), the reports with the api service's (`HUB_NODE_OPTIONS` replaces
 * both, e.g. `HUB_NODE_OPTIONS=` to run them all without).
 *
 * The headline recompute is the one a settings change triggers (lookback, half-life, minimum
 * match confidence): it copies, server-side, what such a change leaves as it is (the "seen"
 * entries, the base day hashes of lead counts and spend, and the compact copy the incremental
 * reader keeps up to date as records land: per customer with a sale its packed touches, per sale
 * its attribution input, src/attribution/packed.ts), then streams the sale inputs and the buyers'
 * packed timelines a thousand sales at a time, and writes per-sale attributions and model
 * rollups. It reads no record. (The bench asks for it with the settings unchanged, so DuckDB
 * computes the same: the same path as a lookback or half-life change; a time-zone change also
 * counts the copied lead and spend "seen" entries into new base day hashes.) `--from-records` (a first run, a lost feed position) reads every
 * record and rebuilds all of it; it may stay slower and is shown for reference. Beside them, the
 * Redis floor in the new stored shape: reading every sale input and the buyers' packed timelines
 * and writing one attribution per sale (bench/support/attribution-hub.ts `floor`), without
 * computing anything.
 * The peer, in this process, side by side: DuckDB computing the same attribution and report in SQL over the
 * same records (bench/support/attribution-duckdb.ts). Before anything is timed, every row of the
 * 90-day report of every model must agree between the two, to the cent (and sold to 6 decimals),
 * and again after the timed recomputes.
 *
 *   npm run bench:attribution
 *   REPORT_CALLS=100 npm run bench:attribution
 *   KEEP=1 npm run bench:attribution   (leaves the tenant in Redis; prints its prefix)
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

import { dateOfDay, dayNumber } from '../src/attribution/dates.ts';
import type { Report } from '../src/attribution/report.ts';
import { MODELS, type Model } from '../src/attribution/types.ts';
import { RecordStore } from '../src/records/record-store.ts';
import type { StoredRecord } from '../src/records/merge.ts';
import { DuckPeer, type PeerRow } from './support/attribution-duckdb.ts';
import type { HubAnswer, HubTask } from './support/attribution-hub.ts';
import { deployedNodeOptions } from './support/deployed.ts';
import { generateWorld, personEmail, WORLD } from './support/attribution-world.ts';
import { drop } from '../test/connectors/dms-files/drop.ts';
import { openDmsHarness } from '../test/connectors/dms-files/harness.ts';

const REPORT_CALLS = Number(process.env.REPORT_CALLS ?? 40);
const RECOMPUTE_ROUNDS = Number(process.env.RECOMPUTE_ROUNDS ?? 2);
const NIGHTLY_SALES = 300;
const GOALS = { reportP95Ms: 50, recomputeRatio: 2, nightlyMs: 2_000, rssMb: 300 };
/** Each service's NODE_OPTIONS, as deployed unless HUB_NODE_OPTIONS is set. */
const NODE_OPTIONS = {
  api: process.env.HUB_NODE_OPTIONS ?? deployedNodeOptions('api'),
  worker: process.env.HUB_NODE_OPTIONS ?? deployedNodeOptions('worker'),
};

const h = await openDmsHarness();
const { hub, tenantId } = h;
const out = (s: string) => process.stdout.write(`${s}\n`);
const ms = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/**
 * Runs a task of the hub in a process of its own (bench/support/attribution-hub.ts) with the
 * NODE_OPTIONS of the service that runs it (reports: api, else worker), keeping the highest peak
 * RSS of the processes run under `label`.
 */
async function inHub(
  label: string,
  task: Omit<HubTask, 'prefix' | 'tenantId'>,
): Promise<HubAnswer> {
  const child = join(import.meta.dirname, 'support/attribution-hub.ts');
  const arg = JSON.stringify({ ...task, prefix: h.config.REDIS_PREFIX, tenantId });
  const env = {
    ...process.env,
    NODE_OPTIONS: NODE_OPTIONS[task.task === 'report' ? 'api' : 'worker'],
  };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, arg], {
    maxBuffer: 1 << 20,
    env,
  });
  const answer = JSON.parse(stdout.trim().split('\n').at(-1)!) as HubAnswer;
  hubRss.set(label, Math.max(hubRss.get(label) ?? 0, answer.rssMb));
  return answer;
}
/** Peak RSS (MB) per hub task, in the order first run. */
const hubRss = new Map<string, number>();
const FULL = 'full recompute';
const RECORDS = 'recompute --from-records';

/** Every stored record of an entity (a walk of the id index, as the recompute reads them). */
async function allRecords(entity: string): Promise<StoredRecord[]> {
  const store = new RecordStore(hub.redis, hub.keys);
  const all: StoredRecord[] = [];
  let after: string | null = null;
  do {
    const page = await store.walk(tenantId, entity, after, 5_000, { lean: true });
    all.push(...page.records);
    after = page.last;
  } while (after);
  return all;
}

/** Our report rows in the peer's units, keyed by channel and campaign. */
function ourRows(r: Report): Map<string, PeerRow> {
  const units = (v: string, scale: number) => {
    const [w, f = ''] = v.split('.');
    return BigInt(w!) * 10n ** BigInt(scale) + BigInt(f.padEnd(scale, '0') || '0');
  };
  const rows = new Map<string, PeerRow>();
  for (const x of [...r.rows, r.unattributed]) {
    const row: PeerRow = {
      channel: x.channel,
      campaignId: x.campaignId ?? '',
      spendCents: units(x.spend, 2),
      leads: x.leads,
      soldMicros: units(x.sold, 6),
      grossCents: units(x.gross, 2),
      revenueCents: units(x.revenue, 2),
    };
    rows.set(`${row.channel}|${row.campaignId}`, row);
  }
  return rows;
}

/** Throws unless both sides give the same rows for every model over `[from, to]`. */
async function checkAgreement(peer: DuckPeer, from: string, to: string): Promise<number> {
  let rows = 0;
  for (const model of MODELS) {
    const ours = ourRows(
      await hub.attribution.report(tenantId, { from, to, model, groupBy: 'campaign' }),
    );
    const theirs = await peer.report(model, from, to);
    const differ = theirs.filter((t) => {
      const o = ours.get(`${t.channel}|${t.campaignId}`);
      return !o || JSON.stringify(o, big) !== JSON.stringify(t, big);
    });
    if (differ.length || theirs.length !== ours.size)
      throw new Error(
        `${model}: ${differ.length} of ${theirs.length} rows differ (ours has ${ours.size}), e.g. DuckDB ${JSON.stringify(differ[0], big)} vs ours ${JSON.stringify(ours.get(`${differ[0]?.channel}|${differ[0]?.campaignId}`), big)}`,
      );
    rows += theirs.length;
  }
  return rows;
}
const f = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const big = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/** The nightly DMS file: 300 deals of existing people, in the generic export layout. */
function nightlyCsv(day: string): string {
  const head =
    'dealer_id,deal_number,sale_date,new_used,vin,first_name,last_name,email,sale_price,front_gross,back_gross';
  const rows = Array.from({ length: NIGHTLY_SALES }, (_, i) => {
    const who = (i * 131) % WORLD.people;
    return `ACME01,N${900_000 + i},${day},${i % 2 ? 'N' : 'U'},,First${who},Last${who % 997},${personEmail(who)},${31_000 + i}.50,1500.25,700`;
  });
  return [head, ...rows].join('\n') + '\n';
}

try {
  const settings = await hub.settings.get(tenantId);
  const genMs = await ms(() => generateWorld(hub, tenantId));
  out(
    `generated ${WORLD.leads.toLocaleString('en-US')} leads, ${WORLD.touchpoints.toLocaleString('en-US')} touchpoints, ${WORLD.sales.toLocaleString('en-US')} sales, ${365 * WORLD.campaigns} spend rows (${WORLD.people.toLocaleString('en-US')} people) in ${(genMs / 1000).toFixed(1)} s`,
  );
  const peer = await DuckPeer.open(settings);
  const exportMs = await ms(async () => {
    for (const [entity, table] of [
      ['lead', 'leads'],
      ['touchpoint', 'touchpoints'],
      ['sale', 'sales'],
      ['spend', 'spend'],
    ] as const)
      await peer.load(table, await allRecords(entity));
  });
  const to = `${WORLD.year}-12-31`;
  const from = dateOfDay(dayNumber(to) - 89);
  await inHub(FULL, { task: 'recompute' });
  await peer.recompute();
  const agreed = await checkAgreement(peer, from, to);
  out(
    `exported to DuckDB in ${(exportMs / 1000).toFixed(1)} s; ${from}..${to}, all five models: ${agreed} rows agree to the cent`,
  );

  const oursFull: number[] = [];
  const recordsFull: number[] = [];
  const duckFull: number[] = [];
  const floorFull: number[] = [];
  for (let i = 0; i < RECOMPUTE_ROUNDS; i++) {
    oursFull.push((await inHub(FULL, { task: 'recompute' })).ms[0]!);
    duckFull.push(await ms(() => peer.recompute()));
    recordsFull.push((await inHub(RECORDS, { task: 'recompute', fromRecords: true })).ms[0]!);
    floorFull.push((await inHub('Redis floor', { task: 'floor' })).ms[0]!);
  }
  // Both ways in leave what DuckDB computes (the last one was from every record).
  await inHub(FULL, { task: 'recompute' });
  await checkAgreement(peer, from, to);
  const timeReports = async (models: readonly Model[]) => {
    const label = `reports, ${models.length} model${models.length > 1 ? 's' : ''}`;
    const ours = (
      await inHub(label, { task: 'report', models: [...models], from, to, calls: REPORT_CALLS })
    ).ms;
    const duck: number[] = [];
    for (let i = 0; i < REPORT_CALLS; i++) {
      duck.push(
        await ms(async () => {
          for (const m of models) await peer.report(m, from, to);
        }),
      );
    }
    return { ours, duck };
  };
  const one = await timeReports(['last_touch']);
  const five = await timeReports(MODELS);

  // (b) the nightly file: dropped, read by the dms-files connector, identity, records, then the
  // incremental reader to updated rollups.
  drop(h.dir, 'sales/nightly.csv', nightlyCsv(to));
  const night = await inHub('nightly file', { task: 'nightly', dir: h.dir });
  const [runMs = 0, catchUpMs = 0] = night.ms;
  const { created } = night;
  const nightlyMs = runMs + catchUpMs;
  out(
    `nightly file: run ${f(runMs)}, then catch-up ${f(catchUpMs)} (${JSON.stringify(night.caught)})`,
  );
  if (created !== NIGHTLY_SALES)
    throw new Error(`the nightly file created ${created} of ${NIGHTLY_SALES} sales`);
  const attributed = await hub.attribution.storedCount(tenantId);
  if (attributed !== WORLD.sales + NIGHTLY_SALES)
    throw new Error(
      `${attributed} sales attributed after the nightly file, expected ${WORLD.sales + NIGHTLY_SALES}`,
    );
  const rssMb = process.resourceUsage().maxRSS / 1024;

  /** A timed figure: ours, DuckDB's, their ratio and the goal. */
  const vs = (name: string, ours: number, duck: number, goal = ''): string[] => [
    name,
    f(ours),
    f(duck),
    (ours / duck).toFixed(1),
    goal,
  ];
  const report = `<= ${GOALS.reportP95Ms} ms`;
  const rows = [
    vs(
      'full recompute (median)',
      median(oursFull),
      median(duckFull),
      `<= ${GOALS.recomputeRatio}x DuckDB`,
    ),
    vs('  from every record', median(recordsFull), median(duckFull), '(--from-records: slower)'),
    vs('  Redis floor (compact r/w)', median(floorFull), median(duckFull), '(reads + writes only)'),
    [`nightly file, ${NIGHTLY_SALES} sales`, f(nightlyMs), '-', '-', `<= ${GOALS.nightlyMs} ms`],
    vs('report 90 d, 1 model p50', median(one.ours), median(one.duck)),
    vs('report 90 d, 1 model p95', pct(one.ours, 95), pct(one.duck, 95), report),
    vs('report 90 d, 5 models p50', median(five.ours), median(five.duck)),
    vs('report 90 d, 5 models p95', pct(five.ours, 95), pct(five.duck, 95), report),
    ...[...hubRss].map(([task, mb]) => [
      `peak RSS, ${task}`,
      `${mb.toFixed(0)} MB`,
      '-',
      '-',
      `< ${GOALS.rssMb} MB`,
    ]),
    [
      'peak RSS, hub (max)',
      `${Math.max(...hubRss.values()).toFixed(0)} MB`,
      '-',
      '-',
      `< ${GOALS.rssMb} MB`,
    ],
    [
      'peak RSS, bench process',
      `${rssMb.toFixed(0)} MB`,
      '(+ DuckDB)',
      '-',
      '(generator, file drop)',
    ],
  ];
  out(
    `\nhub processes with NODE_OPTIONS="${NODE_OPTIONS.worker}" (recomputes, nightly file), "${NODE_OPTIONS.api}" (reports)`,
  );
  out(
    `\n${'figure'.padEnd(36)}${'ours'.padStart(12)}${'DuckDB'.padStart(16)}${'ratio'.padStart(8)}  goal`,
  );
  for (const [name = '', a = '', b = '', r = '', g = ''] of rows)
    out(`${name.padEnd(36)}${a.padStart(12)}${b.padStart(16)}${r.padStart(8)}  ${g}`);
} finally {
  // KEEP=1 leaves the generated tenant in Redis (to profile a hub task on it) and prints its prefix.
  if (process.env.KEEP) {
    out(`kept: {"prefix":"${h.config.REDIS_PREFIX}","tenantId":"${tenantId}"}`);
    await h.engine.close();
    await hub.close();
  } else await h.close();
}
