import { AppError, notFound } from '../errors/app-error.ts';
import type { WebhookOutcome, WebhookRequest } from '../sdk/connector.ts';
import { AuthError, PermanentError } from '../sdk/errors.ts';
import { defusePage } from '../records/poison.ts';
import { openConnection } from './connection-runtime.ts';
import type { SyncService } from './sync-service.ts';

/** What the HTTP layer answers a webhook with. */
export interface WebhookReply {
  status: number;
  body: string;
  contentType: string;
}

const ok = (body: unknown): WebhookReply => ({
  status: 200,
  body: JSON.stringify(body),
  contentType: 'application/json',
});

/**
 * Receives a webhook for one connection: the connector verifies and parses it (a bad signature is
 * refused and nothing is stored); records are archived raw at once and ingested by a worker job;
 * announced ids are read by a worker job at once; change hints queue a debounced run of the
 * syncs that read that stream.
 */
export async function receiveWebhook(
  sync: SyncService,
  tenantId: string,
  connectionId: string,
  req: WebhookRequest,
): Promise<WebhookReply> {
  const { hub, registry } = sync.svc;
  const connection = await hub.connections.get(tenantId, connectionId);
  const connector = registry.get(connection.connectorId);
  if (!connector.webhook) throw notFound('webhook');
  const rt = await openConnection(hub, registry, tenantId, connectionId);
  let outcomes: WebhookOutcome[];
  try {
    outcomes = await connector.webhook.handle(rt.ctx, req);
  } catch (err) {
    if (err instanceof AuthError) throw new AppError(401, 'bad_signature', err.message);
    if (err instanceof PermanentError) throw new AppError(400, 'bad_payload', err.message);
    throw err;
  }
  const syncs = (await sync.svc.syncs.list(tenantId)).filter(
    (s) => s.connectionId === connectionId && s.mode !== 'outbound' && s.status === 'active',
  );
  let records = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === 'respond')
      return {
        status: outcome.status,
        body: outcome.body,
        contentType: outcome.contentType ?? 'text/plain',
      };
    if (outcome.kind === 'ignore') continue;
    const targets = [];
    for (const s of syncs) {
      const stream = s.stream ?? (await sync.svc.mappings.get(s.mapping, s.tenantId)).stream;
      if (stream === outcome.stream) targets.push(s);
    }
    if (outcome.kind === 'hint') {
      await Promise.all(targets.map((s) => sync.queue.hint(s)));
      continue;
    }
    if (outcome.kind === 'fetch') {
      await Promise.all(targets.map((s) => sync.queue.fetchByIds(s, outcome.ids)));
      continue;
    }
    if (outcome.records.length === 0) continue;
    // A record too deep or too large to process is archived as its quarantine preview (see
    // `defusePage`): the delivery is accepted, and the ingest job quarantines it with the reason.
    const { key } = await hub.archive.append(
      { tenantId, connectionId, stream: outcome.stream, kind: 'raw' },
      defusePage(outcome.records),
    );
    records += outcome.records.length;
    await Promise.all(targets.map((s) => sync.queue.ingestArchived(s, key!)));
  }
  return ok({ accepted: true, records });
}
