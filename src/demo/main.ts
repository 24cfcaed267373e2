import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { DateTime } from 'luxon';

import { loadConfig } from '../config/env.ts';
import { openHub, type Hub } from '../hub.ts';
import { createLogger } from '../log/logger.ts';
import { serveHub, type RunningHub } from '../runtime/serve.ts';
import { StartupError } from '../runtime/startup-error.ts';
import { LoginLinks, loginLinkUrl } from '../ui/login-link.ts';
import { DemoApi } from './api-client.ts';
import { leadsInHubSpot, playCrm, type CrmPlayed } from './crm-play.ts';
import { playStory, settle, type Played } from './play.ts';
import { ensureRedis, type DemoRedis } from './redis.ts';
import { startSandboxes, type Sandboxes } from './sandboxes.ts';
import { createConnections, createStore, createSyncs, repointConnections } from './setup.ts';
import { demoPlace, envLines, readState, resetDemo, writeState, type DemoState } from './state.ts';
import { STORE, writeStory } from './story.ts';
import { readReport, sentBy, summaryLines } from './summary.ts';

const started = performance.now();
const place = demoPlace(process.env);
const args = new Set(process.argv.slice(2));
const say = (line = '') => process.stdout.write(`${line}\n`);

/** Everything the demo started, stopped in reverse on Ctrl-C or a failure. */
const owned: { redis?: DemoRedis; sandboxes?: Sandboxes; hub?: RunningHub } = {};
let stopping: Promise<void> | null = null;

function stopAll(code: number): Promise<void> {
  stopping ??= (async () => {
    await owned.hub?.stop().catch(() => undefined);
    await owned.sandboxes?.stop().catch(() => undefined);
    const child = owned.redis?.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    process.exit(code);
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (stopping) {
      owned.redis?.child?.kill('SIGKILL');
      process.exit(130);
    }
    say(
      '\nStopping the demo (hub, sandboxes' + (owned.redis?.child ? ', redis-server' : '') + ')...',
    );
    void stopAll(0);
  });

const dateOf = (ms: number) => DateTime.fromMillis(ms, { zone: STORE.timeZone }).toISODate()!;

/** Sets up the store through the API and plays the quarter; returns the state to keep. */
async function firstRun(
  api: DemoApi,
  sb: Sandboxes,
  state: Omit<DemoState, 'connections' | 'syncs'>,
) {
  const dms = join(place.dir, 'dms-drop');
  mkdirSync(dms, { recursive: true });
  const connections = await createConnections(api, sb, dms);
  const syncs = await createSyncs(api, connections);
  const full: DemoState = { ...state, connections, syncs };
  return {
    full,
    play: () => playStory(api, sb, writeStory(state.now), { connections, syncs }, dms),
  };
}

async function main(): Promise<void> {
  if (args.has('--env')) {
    const s = readState(place);
    if (!s) throw new StartupError(`No demo in ${place.dir}: start it with npm run demo`);
    say(envLines(place, s));
    process.exit(0);
  }
  owned.redis = await ensureRedis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  if (owned.redis.child) say(`Started redis-server on ${owned.redis.url} (stopped with the demo).`);
  if (args.has('--reset')) {
    const n = await resetDemo(place, owned.redis.url);
    say(`Reset: deleted ${n} keys under "${place.prefix}:" and ${place.dir}.`);
  }
  const hub = await openDemoHub(owned.redis.url);
  const kept = (await hub.tenants.find(STORE.tenantId)) ? readState(place) : null;
  const now = kept?.now ?? Date.now();
  const story = writeStory(now);
  owned.sandboxes = await startSandboxes(story);
  owned.hub = await serveHub(hub, { api: true, worker: true }, place.port);
  const baseUrl = `http://127.0.0.1:${owned.hub.api!.port}`;
  const sandboxes = {
    meta: owned.sandboxes.meta.url,
    google: owned.sandboxes.google.url,
    crm: owned.sandboxes.crm.url,
  };
  const done = kept
    ? await keepEarlier({ ...kept, sandboxes, apiUrl: baseUrl }, baseUrl)
    : await startOver(hub, baseUrl, story, { now, sandboxes });
  await printSummary(hub, baseUrl, done);
}

/** The demo's hub: the demo's Redis, prefix and folder, logging to a file in that folder. */
async function openDemoHub(redisUrl: string): Promise<Hub> {
  mkdirSync(place.dir, { recursive: true });
  const config = loadConfig({
    ...process.env,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: place.prefix,
    DATA_DIR: place.dir,
    ARCHIVE_URL: join(place.dir, 'archive'),
    LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  const log = createLogger(
    config.LOG_LEVEL,
    createWriteStream(join(place.dir, 'hub.log'), { flags: 'a' }),
  );
  return openHub(config, log);
}

/** What a start of the demo leaves to print: its state, and what this start played (if it did). */
interface Started {
  state: DemoState;
  played: Played | null;
  crm: CrmPlayed | null;
}

/** A demo started before: its connections point at this start's sandboxes, nothing is played. */
async function keepEarlier(state: DemoState, baseUrl: string): Promise<Started> {
  writeState(place, state);
  await repointConnections(
    new DemoApi(baseUrl, STORE.tenantId, state.apiKey),
    state.connections,
    owned.sandboxes!,
    join(place.dir, 'dms-drop'),
  );
  say(`Kept the demo data of an earlier run (npm run demo -- --reset starts over).`);
  return { state, played: null, crm: null };
}

/** A new demo: the store, its connections and syncs, then 90 days played through them. */
async function startOver(
  hub: Hub,
  baseUrl: string,
  story: ReturnType<typeof writeStory>,
  at: { now: number; sandboxes: DemoState['sandboxes'] },
): Promise<Started> {
  if (await hub.tenants.find(STORE.tenantId))
    throw new StartupError(
      `Tenant ${STORE.tenantId} exists without demo state: run npm run demo -- --reset`,
    );
  const apiKey = await createStore(hub);
  const keyId = (await hub.apiKeys.verify(apiKey))!.id;
  const api = new DemoApi(baseUrl, STORE.tenantId, apiKey);
  const base = {
    now: at.now,
    redisUrl: owned.redis!.url,
    apiKey,
    keyId,
    from: dateOf(story.start),
    to: dateOf(at.now),
    sandboxes: at.sandboxes,
    apiUrl: baseUrl,
  };
  const run = await firstRun(api, owned.sandboxes!, base);
  say(
    `Created ${STORE.name} (${STORE.tenantId}, ${STORE.timeZone}) with ${Object.keys(run.full.connections).length} connections and ${Object.keys(run.full.syncs).length} syncs; playing 90 days...`,
  );
  const played = await run.play();
  const syncIds = Object.values(run.full.syncs);
  await leadsInHubSpot(owned.sandboxes!.hubspot, story);
  const crm = await playCrm(api, owned.sandboxes!.hubspot, story, run.full.syncs, () =>
    settle(owned.hub!.engine.queue.queue, api, syncIds),
  );
  await hub.attribution.recompute(STORE.tenantId);
  writeState(place, run.full);
  return { state: run.full, played, crm };
}

/** What happened, the top campaigns, the dashboard link and how to use the CLI against it. */
async function printSummary(hub: Hub, baseUrl: string, done: Started): Promise<void> {
  const { state } = done;
  const api = new DemoApi(baseUrl, STORE.tenantId, state.apiKey);
  const report = await readReport(api, state.from, state.to);
  const runsOf = (id: string) => owned.hub!.engine.service.runs(STORE.tenantId, id, 1000);
  const sent = {
    google: sentBy(await runsOf(state.syncs.googleConversions)),
    meta: sentBy(await runsOf(state.syncs.metaEvents)),
  };
  for (const line of summaryLines(report, done.played, owned.sandboxes!, sent, done.crm)) say(line);
  const link = loginLinkUrl(baseUrl, await new LoginLinks(hub.redis, hub.keys).create(state.keyId));
  say('');
  say(`Dashboard: ${baseUrl}/ui  (one-time sign-in link, 15 minutes: ${link})`);
  say(
    `CLI against this hub: eval "$(npm run -s demo -- --env)"; logs in ${join(place.dir, 'hub.log')}`,
  );
  say(`Ready in ${((performance.now() - started) / 1000).toFixed(1)} s. Ctrl-C stops the demo.`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    err instanceof StartupError
      ? `${err.message}\n`
      : `demo failed: ${(err as Error).stack ?? String(err)}\n`,
  );
  void stopAll(1);
});
