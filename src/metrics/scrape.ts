import { Gauge, Registry } from 'prom-client';

import { outboundLagSeconds } from '../sync/lag.ts';
import type { SyncService } from '../sync/sync-service.ts';
import { registry } from './metrics.ts';

/**
 * Gauges read from Redis at scrape time: jobs per queue state, and for every outbound or two-way
 * sync how old the oldest change of its tenant's log it has not sent yet is (seconds).
 */
async function scrapeGauges(sync: SyncService): Promise<Registry> {
  const own = new Registry();
  const depth = new Gauge({
    name: 'dealerloop_queue_jobs',
    help: 'Jobs of the sync queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [own],
  });
  const lag = new Gauge({
    name: 'dealerloop_change_log_lag_seconds',
    help: 'Age of the oldest change an outbound sync has not sent yet (0 when it is caught up)',
    labelNames: ['tenant', 'sync'] as const,
    registers: [own],
  });
  const q = sync.queue.queue;
  const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
  for (const [state, n] of Object.entries(counts)) depth.set({ queue: q.name, state }, n);
  const { hub, syncs } = sync.svc;
  for (const tenant of await hub.tenants.list()) {
    for (const s of (await syncs.list(tenant.id)).filter((x) => x.mode !== 'inbound')) {
      lag.set(
        { tenant: tenant.id, sync: s.id },
        await outboundLagSeconds(sync.svc, tenant.id, s.id),
      );
    }
  }
  return own;
}

/** The Prometheus text of this process: counters and histograms, plus the scrape-time gauges. */
export async function metricsText(
  sync: SyncService,
): Promise<{ text: string; contentType: string }> {
  const merged = Registry.merge([registry, await scrapeGauges(sync)]);
  return { text: await merged.metrics(), contentType: registry.contentType };
}
