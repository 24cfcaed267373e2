import type { SystemRecord } from '../../src/sdk/connector.ts';
import type { EngagementType } from './settings.ts';
import type { CrmObject } from './wire.ts';

/**
 * HubSpot's default call dispositions (`hs_call_disposition` holds a GUID), as listed by the
 * engagements API's call dispositions endpoint (developers.hubspot.com/docs/methods/engagements/
 * get-call-dispositions). Accounts can add their own: `settings.callOutcomes` adds or overrides.
 */
export const DEFAULT_CALL_OUTCOMES: Readonly<Record<string, string>> = {
  '9d9162e7-6cf3-4944-bf63-4dff82258764': 'Busy',
  'f240bbac-87c9-4f6e-bf70-924b57d47db7': 'Connected',
  'a4c4c377-d246-4b32-a13b-75a56a4cd0ff': 'Left live message',
  'b2cf5968-551e-4856-9783-52b3da59a7d0': 'Left voicemail',
  '73a0d17f-1163-4015-bdd5-ec830791da20': 'No answer',
  '17b47fee-58de-441e-a44c-c6300d46f273': 'Wrong number',
};

const COMMON = ['hs_timestamp', 'hubspot_owner_id', 'hs_createdate', 'hs_lastmodifieddate'];

/** The properties read per engagement object (HubSpot engagements API guides: calls, emails, meetings). */
export const ENGAGEMENT_PROPERTIES: Readonly<Record<EngagementType, readonly string[]>> = {
  calls: [
    ...COMMON,
    'hs_call_direction',
    'hs_call_duration',
    'hs_call_disposition',
    'hs_call_status',
    'hs_call_title',
    'hs_call_body',
  ],
  emails: [...COMMON, 'hs_email_direction', 'hs_email_subject', 'hs_email_text', 'hs_email_status'],
  meetings: [
    ...COMMON,
    'hs_meeting_title',
    'hs_meeting_body',
    'hs_meeting_start_time',
    'hs_meeting_outcome',
  ],
  // SMS, WhatsApp and LinkedIn messages logged on the CRM timeline (Communications API guide).
  communications: [
    ...COMMON,
    'hs_communication_channel_type',
    'hs_communication_logged_from',
    'hs_communication_body',
  ],
};

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** `INBOUND`/`OUTBOUND` of a call or email; `hs_email_direction` is EMAIL, INCOMING_EMAIL or FORWARDED_EMAIL. */
function directionOf(type: EngagementType, p: Record<string, unknown>): string | undefined {
  if (type === 'calls') return text(p.hs_call_direction)?.toUpperCase();
  if (type === 'emails') {
    const d = text(p.hs_email_direction);
    return d === undefined ? undefined : d === 'INCOMING_EMAIL' ? 'INBOUND' : 'OUTBOUND';
  }
  // A logged message has no direction property (Communications API guide): it is what the
  // salesperson who logged it (hubspot_owner_id, "the message creator") sent.
  if (type === 'communications') return 'OUTBOUND';
  return undefined;
}

/**
 * One engagement as a flat record, the same shape for calls, emails and meetings, so one mapping
 * reads them all: `type` (call/email/meeting/text), `channel` of a text (SMS, WHATS_APP,
 * LINKEDIN_MESSAGE), `timestamp`, `direction`, `subject`, `body`,
 * `outcome`, `durationSeconds` (HubSpot stores ms), `startTime`, `ownerId`, `contactIds`/`contactId`,
 * and HubSpot's `properties` as sent.
 */
export function engagementRecord(
  type: EngagementType,
  o: CrmObject,
  contactIds: string[],
  outcomes: Readonly<Record<string, string>>,
): SystemRecord {
  const p = o.properties;
  const ms = Number(text(p.hs_call_duration));
  const disposition = text(p.hs_call_disposition);
  const outcome =
    type === 'calls'
      ? ((disposition &&
          (outcomes[disposition] ?? DEFAULT_CALL_OUTCOMES[disposition] ?? disposition)) ??
        text(p.hs_call_status))
      : type === 'meetings'
        ? text(p.hs_meeting_outcome)
        : text(p.hs_email_status);
  const fields: Record<string, unknown> = {
    id: o.id,
    objectType: type,
    type: type === 'communications' ? 'text' : type.slice(0, -1),
    channel: type === 'communications' ? text(p.hs_communication_channel_type) : undefined,
    timestamp: text(p.hs_timestamp) ?? text(p.hs_createdate) ?? o.createdAt,
    direction: directionOf(type, p),
    subject: text(p.hs_call_title) ?? text(p.hs_email_subject) ?? text(p.hs_meeting_title),
    body:
      text(p.hs_call_body) ??
      text(p.hs_email_text) ??
      text(p.hs_meeting_body) ??
      text(p.hs_communication_body),
    outcome,
    durationSeconds: Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined,
    startTime: text(p.hs_meeting_start_time),
    ownerId: text(p.hubspot_owner_id),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    contactIds,
    contactId: contactIds[0],
    properties: p,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
