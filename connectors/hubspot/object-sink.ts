import type { SinkDef, SinkItem, SinkResult } from '../../src/sdk/connector.ts';
import type { BatchInput } from './batch-results.ts';
import { sendBatch, uniqueRounds } from './batch-write.ts';
import { undefinedValue } from './property-options.ts';
import type { HubSpotCredentials, HubSpotSettings } from './settings.ts';

/** What a sink writes: an object type, the unique property it upserts by, create-time defaults. */
export interface ObjectSinkSpec {
  objectType: string;
  idProperty(s: HubSpotSettings): string;
  /** Properties for inputs HubSpot may create (no destination id known yet); the record wins. */
  createDefaults?(s: HubSpotSettings): Record<string, string>;
  /** The canonical field a record cannot be written without (`SinkDef.addressedBy`). */
  addressedBy?: SinkDef<unknown, unknown>['addressedBy'];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const keyOf = (v: unknown): string | null =>
  (typeof v === 'string' && v.trim() !== '') || typeof v === 'number' ? String(v).trim() : null;

/** How one item is sent: an upsert by its unique property, an update by HubSpot id, or not at all. */
function plan(
  item: SinkItem,
  index: number,
  idProperty: string,
  defaults: Record<string, string>,
  options: Readonly<Record<string, readonly string[]>> | undefined,
): { upsert: BatchInput } | { update: BatchInput } | { fail: SinkResult } {
  const props = item.record.properties;
  if (!isObject(props)) {
    return { fail: { ok: false, retryable: false, reason: 'the record has no properties object' } };
  }
  // A value the portal does not define would make HubSpot refuse the whole batch: it is this
  // record's problem alone, so it is quarantined here and the rest goes out.
  const undefinedOption = undefinedValue(options, props);
  if (undefinedOption) return { fail: undefinedOption };
  const key = keyOf(props[idProperty]);
  if (key !== null) {
    // As in HubSpot's upsert example, the unique value travels as `id`, not among the properties.
    const { [idProperty]: _id, ...rest } = props;
    const properties = item.destinationId ? rest : { ...defaults, ...rest };
    return {
      upsert: {
        index,
        traceId: item.idempotencyKey,
        key,
        body: { idProperty, id: key, objectWriteTraceId: item.idempotencyKey, properties },
      },
    };
  }
  if (item.destinationId) {
    const body = { id: item.destinationId, properties: props };
    return { update: { index, traceId: item.idempotencyKey, key: item.destinationId, body } };
  }
  return {
    fail: {
      ok: false,
      retryable: false,
      reason: `the record has no ${idProperty} to upsert by and no HubSpot id`,
      field: `properties.${idProperty}`,
    },
  };
}

/**
 * A sink that writes records shaped `{ properties: {...} }` to one HubSpot object type:
 * `POST /crm/v3/objects/{type}/batch/upsert` with `idProperty` (docs/vendors.md (HubSpot), developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts) for records
 * carrying the unique property, `.../batch/update` by HubSpot id for linked records without it.
 * Returns one result per item, in order, with HubSpot's object id as the destination id.
 */
export function objectSink(
  description: string,
  spec: ObjectSinkSpec,
): SinkDef<HubSpotSettings, HubSpotCredentials> {
  return {
    description,
    ...(spec.addressedBy && { addressedBy: spec.addressedBy }),
    async write(ctx, items) {
      const idProperty = spec.idProperty(ctx.settings);
      const defaults = spec.createDefaults?.(ctx.settings) ?? {};
      const options = ctx.settings.propertyOptions[spec.objectType];
      const results: SinkResult[] = [];
      const upserts: BatchInput[] = [];
      const updates: BatchInput[] = [];
      items.forEach((item, i) => {
        const p = plan(item, i, idProperty, defaults, options);
        if ('fail' in p) results[i] = p.fail;
        else if ('upsert' in p) upserts.push(p.upsert);
        else updates.push(p.update);
      });
      const base = `/crm/v3/objects/${spec.objectType}/batch`;
      for (const [inputs, path, by] of [
        [upserts, `${base}/upsert`, idProperty],
        [updates, `${base}/update`, null],
      ] as const) {
        for (const round of uniqueRounds(inputs)) {
          for (const [i, r] of await sendBatch(ctx, path, round, by)) results[i] = r;
        }
      }
      return results;
    },
  };
}
