import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Report } from '../../src/attribution/report.ts';
import { listenLoopback } from '../../src/sandbox/loopback.ts';
import { checkAccessible, launchChromium, newPage, shot, signIn } from '../ui/browser.support.ts';
import { readmeBlock } from './readme.ts';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

/** A free loopback port (taken and released at once). */
async function freePort(): Promise<number> {
  const s = createServer();
  const url = await listenLoopback(s);
  await new Promise((r) => s.close(r));
  return Number(new URL(url).port);
}

/** Every live descendant pid of `pid` (from /proc; zombies count as gone). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parent.set(Number(d), Number(fields[1]));
    } catch {
      // gone while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

describe('npm run demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-demo-'));
  const env: Record<string, string> = {};
  let demo: ChildProcess;
  let out = '';
  let ready: Promise<void>;

  beforeAll(async () => {
    // Its own port for the API and for a redis-server the demo must start itself (nothing
    // answers there), so stopping it must also stop that server.
    const [port, redisPort] = [await freePort(), await freePort()];
    Object.assign(env, {
      DEMO_DIR: dir,
      DEMO_PREFIX: `demo${randomUUID().slice(0, 8)}`,
      PORT: String(port),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    // The README's first command is `npm ci && npm run demo`; the checkout is installed already.
    expect(readmeBlock('demo:start').trim()).toBe('npm ci && npm run demo');
    demo = spawn('npm', ['run', 'demo'], {
      cwd: ROOT,
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    ready = new Promise<void>((resolve, reject) => {
      demo.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (/^Ready in [\d.]+ s\./m.test(out)) resolve();
      });
      demo.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      demo.once('exit', (code) => reject(new Error(`demo exited ${code}:\n${out}`)));
    });
    await ready;
  }, 240_000);

  afterAll(() => {
    if (demo.exitCode === null) process.kill(-demo.pid!, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const demoEnv = () =>
    JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as {
      apiKey: string;
      from: string;
      to: string;
    };

  it('serves a non-empty attribution report through the API, with spend and sales per campaign', async () => {
    const s = demoEnv();
    const res = await fetch(
      `http://127.0.0.1:${env.PORT}/v1/tenants/lone-star-motors/reports/attribution?from=${s.from}&to=${s.to}`,
      { headers: { authorization: `Bearer ${s.apiKey}` } },
    );
    expect(res.status).toBe(200);
    const r = (await res.json()) as Report;
    expect(r.totals.leads).toBe(600);
    expect(Number(r.totals.sold)).toBeGreaterThan(50);
    const paid = r.rows.filter((x) => Number(x.spend) > 0 && Number(x.sold) > 0);
    expect(paid.length).toBeGreaterThanOrEqual(3);
    expect(paid.map((x) => x.channel)).toContain('meta');
    expect(paid.map((x) => x.channel)).toContain('google');
    // Newsletters credited with sales are named as Mailchimp names them (the title, else the
    // subject line), not by their campaign ids.
    const email = r.rows.filter((x) => x.channel === 'email');
    expect(email.length).toBeGreaterThan(0);
    for (const row of email) expect(row.campaignName, row.campaignId ?? '').toMatch(/[a-z] [a-z]/i);
    expect(out).toMatch(/Top campaigns by cost per sale/);
  });

  it('sends the sales back as conversions to Google Ads and Meta, counted from the run reports', async () => {
    const google = /Google Ads click conversions (\d+) accepted/.exec(out);
    const meta = /Meta Conversions API events (\d+) accepted/.exec(out);
    expect(Number(google?.[1])).toBeGreaterThan(0);
    expect(Number(meta?.[1])).toBeGreaterThan(0);
    expect(out).not.toMatch(/quarantined|failed/);
    expect(out).toMatch(/spend +\$[\d,]+\.\d\d \(google \$[\d,]+\.\d\d, meta \$[\d,]+\.\d\d\)/);
  });

  it("plays the sales team through HubSpot: each salesperson's response time, deals at appointment and shown", async () => {
    const s = demoEnv();
    const get = async (path: string) => {
      const res = await fetch(
        `http://127.0.0.1:${env.PORT}/v1/tenants/lone-star-motors/${path}?from=${s.from}&to=${s.to}`,
        { headers: { authorization: `Bearer ${s.apiKey}` } },
      );
      expect(res.status).toBe(200);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const rt = (await get('reports/response-time')) as {
      store: { answered: number; unanswered: number };
      salespeople: { salesperson: string; answered: number }[];
    };
    expect(rt.store.answered).toBeGreaterThan(400);
    expect(rt.store.unanswered).toBeGreaterThan(0);
    expect(rt.salespeople.filter((p) => p.answered > 0).length).toBeGreaterThanOrEqual(4);
    expect(out).toMatch(/Sales team in HubSpot: \d+ calls, \d+ emails, \d+ meetings/);
    // Newsletters through Mailchimp: activity read, and the buyers tagged owner there.
    const email =
      /(\d+) opens, (\d+) clicks, \d+ hard bounces read; (\d+) buyers tagged owner/.exec(out);
    expect(Number(email?.[2])).toBeGreaterThan(0);
    expect(Number(email?.[3])).toBeGreaterThan(0);
    expect(out).not.toMatch(/Warning/);
  });

  it("serves the demo's dashboard in a real browser: attribution, accountability, data quality, sync health", async () => {
    const base = `http://127.0.0.1:${env.PORT}`;
    const browser = await launchChromium();
    try {
      const page = await newPage(browser);
      await signIn(page, base, demoEnv().apiKey);
      await shot(page, '30-demo-overview');
      await page.goto(`${base}/ui/reports/attribution?from=${demoEnv().from}&to=${demoEnv().to}`);
      const table = page.getByRole('table').first();
      await expect(
        table.getByRole('row').filter({ hasText: 'Google, Brand Search' }).count(),
      ).resolves.toBe(1);
      await checkAccessible(page);
      await shot(page, '31-demo-attribution');
      await page.goto(
        `${base}/ui/reports/accountability?from=${demoEnv().from}&to=${demoEnv().to}`,
      );
      await expect(
        page.getByRole('row').filter({ hasText: 'Kim Tran' }).count(),
      ).resolves.toBeGreaterThan(0);
      await checkAccessible(page);
      await shot(page, '32-demo-accountability');
      await page.goto(`${base}/ui/reports/data-quality?from=${demoEnv().from}&to=${demoEnv().to}`);
      await checkAccessible(page);
      await shot(page, '33-demo-data-quality');
      await page.goto(`${base}/ui/health`);
      await expect(
        page.getByRole('row').filter({ hasText: 'HubSpot deal stages' }).count(),
      ).resolves.toBe(1);
      await checkAccessible(page);
      await shot(page, '34-demo-health');
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('prints a one-time sign-in link that starts a session once', async () => {
    const link = /one-time sign-in link[^:]*: (http\S+)\)/.exec(out)?.[1];
    expect(link).toBeDefined();
    const first = await fetch(link!, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/ui');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/dl_session=[\w-]{43}.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const page = await fetch(`http://127.0.0.1:${env.PORT}/ui`, {
      headers: { cookie: cookie.split(';')[0]! },
      redirect: 'manual',
    });
    expect(page.status).toBe(200);
    const again = await fetch(link!, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('/ui/signin?link=expired');
  });

  /** The API's attribution report of the demo's range, by campaign. */
  const demoReport = async () => {
    const s = demoEnv();
    const res = await fetch(
      `http://127.0.0.1:${env.PORT}/v1/tenants/lone-star-motors/reports/attribution?from=${s.from}&to=${s.to}`,
      { headers: { authorization: `Bearer ${s.apiKey}` } },
    );
    return (await res.json()) as Report;
  };

  /** Whether the workers' attribution reader has changes or a recompute still to handle. */
  const attributionBehind = async () => {
    const s = demoEnv();
    const res = await fetch(
      `http://127.0.0.1:${env.PORT}/v1/tenants/lone-star-motors/attribution/status`,
      { headers: { authorization: `Bearer ${s.apiKey}` } },
    );
    return ((await res.json()) as { behind: boolean }).behind;
  };

  it('runs every command of the README quick start and first sync as written', async () => {
    const before = await demoReport();
    const script = `${readmeBlock('quickstart')}\n${readmeBlock('firstsync')}`;
    // A second terminal: it knows where the demo keeps its files (the default ./data/demo, here
    // DEMO_DIR), not the PORT or REDIS_URL the demo was started with; `--env` must name them.
    const place = { DEMO_DIR: env.DEMO_DIR!, DEMO_PREFIX: env.DEMO_PREFIX! };
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT,
      env: { ...process.env, ...place, PORT: '', REDIS_URL: '', REDIS_PREFIX: '', DATA_DIR: '' },
      maxBuffer: 20 * 1024 * 1024,
    });
    expect(stdout).toContain('Lone Star Motors');
    expect(stdout).toMatch(/last_touch, \d{4}-\d{2}-\d{2} to/);
    expect(stdout).toMatch(/linear, \d{4}-\d{2}-\d{2} to/);
    expect(stdout).toMatch(/ok: /);
    // The mapping previewed on the connection's own first records, before the first run.
    expect(stdout).toMatch(
      /input: 3 record\(s\) read from connection \S+, stream \w+ \(nothing saved\)/,
    );
    expect(stdout).toContain(`http://127.0.0.1:${env.PORT}/ui/login/`);
    expect(stdout).toMatch(/"totals":\{"channel"/);
    expect(stdout).toContain('02/30');
    // The first sync reads the service department's ad account: 30 days of spend, all new, and
    // the spend of the accounts the demo already read is not counted again.
    expect(stdout).toMatch(/succeeded · read 30 · created 30 · /);
    const spend = (r: Report) =>
      Object.fromEntries(
        r.rows.filter((x) => Number(x.spend) > 0).map((x) => [x.campaignId, x.spend]),
      );
    // The workers' attribution reader takes the new spend up within seconds of the run.
    let after = before;
    await expect
      .poll(async () => spend((after = await demoReport()))['120210000000201'], { timeout: 60_000 })
      .toBeDefined();
    const { ['120210000000201']: service, ...others } = spend(after);
    expect(others).toEqual(spend(before));
    // The sandbox's 30 days of the service account: 30.00 + (i × 79.19 mod 25.00) dollars.
    expect(service).toBe('1222.65');
    expect(Number(after.totals.spend) - Number(before.totals.spend)).toBeCloseTo(
      Number(service),
      2,
    );
    // The block run again makes a second connection to the same ad account: it finds the 30
    // records there already (a spend record is platform, account, campaign and date), and the
    // report's spend stays once the account's, not twice.
    const envLine = readmeBlock('quickstart')
      .split('\n')
      .find((l) => l.startsWith('eval '))!;
    const block = `${envLine}\n${readmeBlock('firstsync')}`;
    const again = await run('bash', ['-euo', 'pipefail', '-c', block], {
      cwd: ROOT,
      env: { ...process.env, ...place, PORT: '', REDIS_URL: '', REDIS_PREFIX: '', DATA_DIR: '' },
      maxBuffer: 20 * 1024 * 1024,
    });
    expect(again.stdout).toMatch(/succeeded · read 30 · created 0 · /);
    // The workers' reader has read the run's changes (the change log's end) before the report.
    await expect.poll(attributionBehind, { timeout: 60_000 }).toBe(false);
    expect(spend(await demoReport())).toEqual(spend(after));
  }, 900_000);

  it('stops everything it started on Ctrl-C (SIGINT to its process group)', async () => {
    const pids = descendants(demo.pid!);
    expect(pids.length).toBeGreaterThanOrEqual(2); // node running the demo, and its redis-server
    const exited = new Promise<number | null>((r) => demo.once('exit', (code) => r(code)));
    process.kill(-demo.pid!, 'SIGINT');
    const code = await exited;
    expect(out).toMatch(/Stopping the demo \(hub, sandboxes, redis-server\)/);
    expect([0, 130]).toContain(code);
    for (let i = 0; i < 50 && [demo.pid!, ...pids].some(alive); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect([demo.pid!, ...pids].filter(alive)).toEqual([]);
  }, 120_000);
});
