import { AxiosError } from 'axios';

import { sendSplitting } from '../../src/sdk/batch-sink.ts';
import type { ConnectorContext, SinkDef, SinkItem, SinkResult } from '../../src/sdk/connector.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { CRM_EVENT, MAX_EVENTS_PER_REQUEST, MAX_EVENT_AGE_S } from './constants.ts';
import { graphErrorOf } from './errors.ts';
import type { MetaCredentials, MetaSettings } from './settings.ts';
import { wireUserData } from './user-data.ts';

/** The run note of events not sent because they were more than 7 days old (`skipped.tooOld`). */
export const TOO_OLD = 'tooOld';

/** Graph "Invalid parameter": what Meta answers for an event it refuses (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/conversions-api/using-the-api). */
const INVALID_PARAMETER = 100;
/** Subcode of code 100 for a node that does not exist or cannot be reached (a wrong pixel id). */
const NO_SUCH_OBJECT = 33;

/** One Conversions API server event as sent (docs/vendors.md (Meta)). */
interface WireEvent {
  event_name: string;
  event_time: number;
  event_id: string;
  action_source: string;
  user_data: Record<string, string>;
  custom_data: Record<string, string | number>;
}

type Ctx = ConnectorContext<MetaSettings, MetaCredentials>;
type Built = { ok: true; event: WireEvent } | { ok: false; result: SinkResult };

const refuse = (field: string, reason: string): Built => ({
  ok: false,
  result: { ok: false, retryable: false, field, reason: `${field}: ${reason}` },
});

/** Unix seconds of an ISO 8601 time with an offset (or of Unix seconds given as they are). */
function unixSeconds(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v !== 'string' || !/(Z|[+-]\d{2}:?\d{2})$/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/**
 * A wire event from a mapped conversion (mappings/meta-crm-events.yaml): the fixed CRM parts
 * (`action_source`, `custom_data.event_source`, `custom_data.lead_event_source`) added, `user_data`
 * hashed, `event_time` as Unix seconds (developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/server-event), currency lower-case as Meta's examples write it (developers.facebook.com/docs/marketing-api/conversions-api/using-the-api). Refused, naming the field, when
 * something Meta requires is missing; skipped as too old past MAX_EVENT_AGE_S.
 */
export function buildEvent(record: Record<string, unknown>, nowS: number): Built {
  const { event_name, event_id } = record;
  if (typeof event_name !== 'string' || !event_name) return refuse('event_name', 'is required');
  const event_time = unixSeconds(record.event_time);
  if (event_time === null)
    return refuse('event_time', 'must be an ISO 8601 time with an offset, or Unix seconds');
  if (typeof event_id !== 'string' || !event_id) return refuse('event_id', 'is required');
  if (nowS - event_time > MAX_EVENT_AGE_S)
    return { ok: false, result: { ok: true, destinationId: null, skipped: TOO_OLD } };
  const user = wireUserData(record.user_data as Record<string, unknown> | undefined);
  if (!user.ok) return refuse(user.field, user.reason);
  if (!user.userData.lead_id) return refuse('user_data.lead_id', 'is required (the Meta lead id)');
  const mapped = (record.custom_data ?? {}) as Record<string, unknown>;
  const custom: Record<string, string | number> = {
    event_source: CRM_EVENT.eventSource,
    lead_event_source: CRM_EVENT.leadEventSource,
  };
  if (typeof mapped.value === 'number') custom.value = mapped.value;
  if (typeof mapped.currency === 'string') custom.currency = mapped.currency.toLowerCase();
  return {
    ok: true,
    event: {
      event_name,
      event_time,
      event_id,
      action_source: CRM_EVENT.actionSource,
      user_data: user.userData,
      custom_data: custom,
    },
  };
}

/**
 * Why Meta refused a request for its content (400, "Invalid parameter" on an event), with Meta's
 * own words; null for anything else (auth, throttles, a wrong pixel id), which fails the run.
 */
export function refusalReason(err: unknown): string | null {
  if (!(err instanceof AxiosError) || err.response?.status !== 400) return null;
  const g = graphErrorOf(err.response.data);
  if (!g || g.code !== INVALID_PARAMETER || g.error_subcode === NO_SUCH_OBJECT) return null;
  const words = [g.error_user_title, g.error_user_msg ?? g.message].filter(Boolean).join(': ');
  return `Meta refused the event (Graph API error ${g.code}${g.error_subcode ? `/${g.error_subcode}` : ''}): ${words || 'invalid parameter'}`;
}

/** Posts one batch of events; resolves only when Meta received every one. */
async function post(ctx: Ctx, events: readonly WireEvent[]): Promise<void> {
  const body: Record<string, unknown> = { data: events };
  if (ctx.settings.testEventCode) body.test_event_code = ctx.settings.testEventCode;
  const res = await ctx.http.post(`/${ctx.settings.pixelId}/events`, body, {
    signal: ctx.signal,
  });
  const received = (res.data as { events_received?: unknown } | null)?.events_received;
  if (received !== events.length)
    throw new PermanentError(
      `Meta answered events_received ${JSON.stringify(received)} for ${events.length} events`,
    );
}

/**
 * Sink `events`: Conversions API CRM events (`POST /{version}/{pixel_id}/events`, JSON
 * `{data, test_event_code?}`). A refused batch is split to find its bad events, which go to
 * quarantine with Meta's message while the rest are delivered; events more than 7 days old are
 * never sent (run note `skipped.tooOld`).
 */
export const eventsSink: SinkDef<MetaSettings, MetaCredentials> = {
  description: 'Conversions API CRM events of Meta leads (mapping: mappings/meta-crm-events.yaml)',
  batchSize: MAX_EVENTS_PER_REQUEST,
  async write(ctx, items: SinkItem[]): Promise<SinkResult[]> {
    if (!ctx.settings.pixelId)
      throw new PermanentError(
        'the connection has no pixelId: set the dataset (pixel) that receives events',
      );
    const nowS = Math.floor(Date.now() / 1000);
    const results: SinkResult[] = new Array(items.length);
    const toSend: { i: number; event: WireEvent }[] = [];
    items.forEach((item, i) => {
      const built = buildEvent(item.record, nowS);
      if (built.ok) toSend.push({ i, event: built.event });
      else results[i] = built.result;
    });
    if (toSend.length) {
      const outcome = await sendSplitting(
        toSend,
        (batch) =>
          post(
            ctx,
            batch.map((b) => b.event),
          ),
        refusalReason,
      );
      for (const d of outcome.delivered) results[d.i] = { ok: true, destinationId: null };
      for (const r of outcome.refused)
        results[r.item.i] = { ok: false, retryable: false, reason: r.reason };
      ctx.log.debug(
        { events: toSend.length, requests: outcome.requests, refused: outcome.refused.length },
        'meta events sent',
      );
    }
    return results;
  },
};
