/**
 * Conversions against the vendor's ceiling (issue 14): CONVERSIONS click conversions (10,000)
 * stored as canonical `conversion` records go out through the sync engine (outbound run, the
 * shipped mapping google-ads-conversions, the real google-ads connector with its OAuth, pacing
 * and retries) to a fake Google Ads that enforces the 2,000-conversion cap per request and a
 * rate limit of CEILING_RPS requests per second (a token bucket of BURST, answering the excess
 * 429 RESOURCE_TEMPORARILY_EXHAUSTED with a retryDelay: bench/support/google-ads-limited.ts).
 *
 * The ceiling is what the fake can accept: CEILING_RPS × 2,000 conversions a second. The sending
 * rate is measured at the fake, over the window from its first to its last accepted upload; in
 * that window the fake could have accepted at most BURST + CEILING_RPS × window requests of 2,000,
 * and the ratio is what it got against that. The whole run (reading, mapping, recording delivery)
 * is printed beside it. The connection's requestsPerSecond is PACE × the ceiling: Google
 * publishes no fixed QPS, so it is a setting, a little under the account's observed limit.
 *
 *   npm run bench:conversions
 *   CEILING_RPS=1 PACE=0.9 npm run bench:conversions
 */
import { connectors } from '../connectors/index.ts';
import type { Conversion } from '../src/canonical/index.ts';
import { writeConversions } from '../src/conversions/write.ts';
import { ConnectorRegistry } from '../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR, DirectoryMappingSource } from '../src/sync/mapping-source.ts';
import { runSync } from '../src/sync/run-sync.ts';
import { createSyncServices } from '../src/sync/services.ts';
import { openTestHub } from '../test/support/hub.ts';
import { RateLimitedGoogleAds } from './support/google-ads-limited.ts';
import { BENCH_REDIS_URL } from './support/redis.ts';

const CONVERSIONS = Number(process.env.CONVERSIONS ?? 10_000);
const CEILING_RPS = Number(process.env.CEILING_RPS ?? 0.5);
const BURST = Number(process.env.BURST ?? 1);
const PACE = Number(process.env.PACE ?? 0.95);
/** Google's cap (docs/vendors.md (Google Ads), developers.google.com/google-ads/api/docs/best-practices/quotas), enforced by the sandbox. */
const PER_REQUEST = 2_000;

const CUSTOMER = '1234567890';
const ACTION_ID = '987654321';
const account = {
  customerId: CUSTOMER,
  developerToken: 'dev-token-BENCH0123',
  clientId: 'bench-client.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-bench-secret',
  refreshToken: '1//0g-bench-refresh-token',
  conversionActionIds: [ACTION_ID],
};
const EVENT_TIME = '2026-11-20T12:00:00-06:00';
const CLICK_MS = Date.parse('2026-11-10T15:00:00-06:00');

const fake = await new RateLimitedGoogleAds(account, {
  requestsPerSecond: CEILING_RPS,
  burst: BURST,
}).start();
const t = await openTestHub({ LOG_LEVEL: 'warn', REDIS_URL: BENCH_REDIS_URL });
try {
  const registry = new ConnectorRegistry(connectors);
  const svc = createSyncServices(t.hub, registry, new DirectoryMappingSource(DEFAULT_MAPPINGS_DIR));
  const tenantId = 'bench-conversions';
  await t.hub.tenants.create({ id: tenantId, name: 'Bench Motors' });
  const conversions: Conversion[] = Array.from({ length: CONVERSIONS }, (_, i) => {
    const deal = `D-${String(i).padStart(6, '0')}`;
    const gclid = `Cj0KCQiA-bench-${i}`;
    fake.clicks.set(gclid, CLICK_MS + i);
    return {
      id: `google-ads:${deal}`,
      destination: 'google-ads',
      kind: 'click',
      eventName: 'purchase',
      eventId: deal,
      eventTime: EVENT_TIME,
      orderId: deal,
      valueCents: 3_000_000 + i,
      currency: 'USD',
      clickIdType: 'gclid',
      clickId: gclid,
    };
  });
  await writeConversions(svc.records, tenantId, conversions);
  const conn = await t.hub.connections.create(tenantId, {
    connectorId: 'google-ads',
    name: 'Google Ads (rate-limited fake)',
    settings: {
      apiHost: fake.url,
      tokenUrl: `${fake.url}/token`,
      customerId: CUSTOMER,
      conversionAction: `customers/${CUSTOMER}/conversionActions/${ACTION_ID}`,
      requestsPerSecond: CEILING_RPS * PACE,
    },
    credentials: {
      clientId: account.clientId,
      clientSecret: account.clientSecret,
      refreshToken: account.refreshToken,
      developerToken: account.developerToken,
    },
  });
  const sync = await svc.syncs.create(tenantId, {
    name: 'conversions out',
    connectionId: conn.id,
    mapping: 'google-ads-conversions',
    mode: 'outbound',
    sink: 'click-conversions',
  });
  const started = Date.now();
  const run = await runSync(svc, tenantId, sync.id, 'manual');
  const runMs = Date.now() - started;
  if (run?.status !== 'succeeded' || run.counts.written !== CONVERSIONS)
    throw new Error(`the run did not deliver every conversion: ${JSON.stringify(run)}`);
  if (fake.conversions.length !== CONVERSIONS)
    throw new Error(`the fake holds ${fake.conversions.length} of ${CONVERSIONS} conversions`);
  report(runMs);
} finally {
  await t.cleanup();
  await fake.stop();
}

/** Prints the ceiling, what was sent against it, and the 429s. */
function report(runMs: number) {
  const accepted = fake.uploads.filter((u) => u.status === 200);
  const refused = fake.uploads.filter((u) => u.status === 429).length;
  const over = fake.uploads.filter((u) => u.conversions > PER_REQUEST).length;
  const windowS = (accepted.at(-1)!.atMs - accepted[0]!.atMs) / 1000;
  const mostRequests = BURST + CEILING_RPS * windowS;
  const ratio = Math.min(accepted.length, mostRequests) / mostRequests;
  const sent = accepted.reduce((n, u) => n + u.conversions, 0);
  const share = refused / fake.uploads.length;
  const ceiling = CEILING_RPS * PER_REQUEST;
  const leastRunS = (Math.ceil(CONVERSIONS / PER_REQUEST) - BURST) / CEILING_RPS;
  const n = (x: number, d = 0) =>
    x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  process.stdout.write(
    [
      `conversions: ${n(CONVERSIONS)} to a fake Google Ads taking at most ${n(PER_REQUEST)} a request and ${CEILING_RPS} requests/s (token bucket of ${BURST}): ceiling ${n(ceiling)} conversions/s`,
      `connection requestsPerSecond ${n(CEILING_RPS * PACE, 3)} (${PACE} of the ceiling)`,
      `uploads: ${accepted.length} accepted carrying ${n(sent)} conversions, ${refused} answered 429 (${n(share * 100, 1)}%; goal < 1%: ${share < 0.01 ? 'met' : 'NOT met'}), ${over} over ${n(PER_REQUEST)}`,
      `sending rate: ${n(sent / Math.max(windowS, 1e-3))} conversions/s between the first and last accepted upload (${n(windowS, 2)} s; the fake could take ${n(mostRequests, 2)} requests in it) = ${n(ratio, 2)} x the ceiling (goal >= 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'})`,
      `upload times (s after the first; * answered 429): ${fake.uploads.map((u) => `${n((u.atMs - fake.uploads[0]!.atMs) / 1000, 2)}${u.status === 429 ? '*' : ''}`).join(', ')}`,
      `whole run: ${n(runMs / 1000, 2)} s, ${n(CONVERSIONS / (runMs / 1000))} conversions/s (reading, mapping and recording delivery included; the fake's least time for ${Math.ceil(CONVERSIONS / PER_REQUEST)} requests is ${n(leastRunS, 1)} s)`,
    ].join('\n') + '\n',
  );
}
