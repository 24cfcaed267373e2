import { isSha256Hex } from './server.ts';

/** Most events in one Conversions API request (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/conversions-api/using-the-api). */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** Oldest `event_time` accepted, except `physical_store` (docs/vendors.md (Meta), developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/server-event). */
export const MAX_EVENT_AGE_SECONDS = 7 * 86_400;
/** Oldest `physical_store` event (docs/vendors.md (Meta), developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/server-event). */
export const MAX_STORE_EVENT_AGE_SECONDS = 62 * 86_400;

/** `action_source` values (docs/vendors.md (Meta), segmentio docs commit (Action Source table) at www.webkkk.net/segmentio/segment-docs/commit/4158374…/developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/server-event). */
const ACTION_SOURCES = new Set([
  'email',
  'website',
  'app',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
]);

/**
 * Server event parameters the Conversions API knows (Meta's "Server event parameters" page:
 * event_name, event_time, user_data, custom_data, event_source_url, opt_out, event_id,
 * action_source, data_processing_options*, referrer_url, app_data, original_event_data); any
 * other name (a camelCase `eventName`, a typo) is refused, as Graph refuses unknown parameters.
 */
const EVENT_FIELDS = new Set([
  'event_name',
  'event_time',
  'user_data',
  'custom_data',
  'event_source_url',
  'opt_out',
  'event_id',
  'action_source',
  'data_processing_options',
  'data_processing_options_country',
  'data_processing_options_state',
  'referrer_url',
  'app_data',
  'original_event_data',
]);

/** user_data keys that must arrive SHA-256 hashed (docs/vendors.md (Meta)). */
const HASHED = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'ge', 'db'];
/** user_data keys sent raw (docs/vendors.md (Meta)). */
const RAW = ['client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'lead_id', 'external_id'];

/** One event as the Conversions API takes it. */
export interface CapiEvent {
  event_name: string;
  event_time: number;
  event_id?: string;
  action_source: string;
  user_data: Record<string, unknown>;
  custom_data?: Record<string, unknown>;
  event_source_url?: string;
}

/**
 * Why a Conversions API batch is refused, or null when every event is valid. Meta rejects the
 * whole batch when any event is invalid (docs/vendors.md (Meta), developers.facebook.com/docs/marketing-api/conversions-api/using-the-api), so the first problem is the answer.
 */
export function validateCapiBatch(data: unknown, nowSeconds: number): string | null {
  if (!Array.isArray(data) || data.length === 0) return 'data must be a non-empty array';
  if (data.length > MAX_EVENTS_PER_REQUEST)
    return `data has ${data.length} events; at most ${MAX_EVENTS_PER_REQUEST}`;
  for (const [i, e] of data.entries()) {
    const p = eventProblem(e as Record<string, unknown>, nowSeconds);
    if (p) return `data[${i}].${p}`;
  }
  return null;
}

function eventProblem(e: Record<string, unknown>, now: number): string | null {
  if (typeof e !== 'object' || e === null) return 'must be an object';
  const unknown = Object.keys(e).find((k) => !EVENT_FIELDS.has(k));
  if (unknown) return `${unknown} is not a server event parameter`;
  if (typeof e.event_name !== 'string' || !e.event_name) return 'event_name is required';
  if (!Number.isInteger(e.event_time)) return 'event_time must be Unix seconds (an integer)';
  const t = e.event_time as number;
  if (t > 1e11) return 'event_time looks like milliseconds; Unix seconds are expected';
  const oldest =
    e.action_source === 'physical_store' ? MAX_STORE_EVENT_AGE_SECONDS : MAX_EVENT_AGE_SECONDS;
  if (now - t > oldest) return `event_time is more than ${oldest / 86_400} days old`;
  if (t - now > 60) return 'event_time is in the future';
  if (typeof e.action_source !== 'string' || !ACTION_SOURCES.has(e.action_source))
    return `action_source "${String(e.action_source)}" is not one of ${[...ACTION_SOURCES].join(', ')}`;
  if (e.action_source === 'website' && (!e.event_source_url || !userData(e).client_user_agent))
    return 'website events need event_source_url and user_data.client_user_agent';
  const u = userData(e);
  if (!Object.keys(u).length) return 'user_data is required';
  for (const [k, v] of Object.entries(u)) {
    if (HASHED.includes(k)) {
      const values = Array.isArray(v) ? v : [v];
      if (!values.every(isSha256Hex)) return `user_data.${k} must be SHA-256 lower-case hex`;
    } else if (!RAW.includes(k)) return `user_data.${k} is not a customer information parameter`;
  }
  if (e.action_source === 'system_generated') {
    // Conversion Leads (CRM) events: lead_id unhashed, event_source crm (docs/vendors.md (Meta), developers.facebook.com/documentation/ads-commerce/conversions-api/conversion-leads-integration/payload-specification).
    if (typeof u.lead_id !== 'string' || !/^\d{15,17}$/.test(u.lead_id))
      return 'user_data.lead_id must be the 15-17 digit Meta lead id, not hashed';
    const cd = (e.custom_data ?? {}) as Record<string, unknown>;
    if (cd.event_source !== 'crm') return 'custom_data.event_source must be "crm"';
    if (typeof cd.lead_event_source !== 'string' || !cd.lead_event_source)
      return 'custom_data.lead_event_source (the CRM name) is required';
  }
  const cd = e.custom_data as Record<string, unknown> | undefined;
  if (cd?.value !== undefined && typeof cd.value !== 'number')
    return 'custom_data.value must be a number';
  if (cd?.currency !== undefined && !/^[A-Za-z]{3}$/.test(String(cd.currency)))
    return 'custom_data.currency must be ISO 4217';
  return null;
}

const userData = (e: Record<string, unknown>) =>
  (typeof e.user_data === 'object' && e.user_data !== null ? e.user_data : {}) as Record<
    string,
    unknown
  >;
