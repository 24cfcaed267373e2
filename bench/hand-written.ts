import {
  formatDateTime,
  normalizeEmail,
  normalizePostal,
  normalizeVin,
  parseDateTime,
  parseNumber,
  tidy,
  titleCase,
  toE164,
  Invalid,
} from '../src/mapping/transforms/index.ts';
import { COMMON_FORMATS } from '../src/mapping/transforms/date-parse.ts';

// The same HubSpot contact → lead mapping as bench/fixtures/hubspot-contact-lead.yaml (in
// direction), written by hand against the same normalization helpers: the engine's overhead is
// what the ratio shows.
type Rec = Record<string, unknown>;
/** HubSpot lead statuses to lifecycle stages, as in the mapping file. */
export const STAGES: Record<string, string> = {
  NEW: 'new',
  OPEN: 'new',
  ATTEMPTED_TO_CONTACT: 'contacted',
  CONNECTED: 'contacted',
  IN_PROGRESS: 'contacted',
  APPOINTMENT_SET: 'appointment',
  SHOWED: 'shown',
  SOLD: 'sold',
  UNQUALIFIED: 'lost',
  BAD_TIMING: 'lost',
};
const str = (v: unknown): string | undefined =>
  v === undefined || v === null || v === '' ? undefined : String(v);
const trim = (v: unknown) => {
  const s = str(v);
  return s === undefined ? undefined : tidy(s) || undefined;
};
/** The `datetime` transform's result, by hand. */
export const dt = (v: unknown) => {
  const s = str(v);
  const ms = s === undefined ? undefined : parseDateTime(s, 'America/Chicago', COMMON_FORMATS);
  return ms === undefined ? undefined : formatDateTime(ms, 'UTC');
};
const phone = (v: unknown) => {
  const s = str(v);
  return s === undefined ? undefined : toE164(s, 'US');
};
const put = (o: Rec, k: string, v: unknown) => {
  if (v !== undefined) o[k] = v;
};

/** Maps one HubSpot contact to a canonical lead, by hand. */
export function handWritten(rec: Rec): Rec {
  const p = (rec.properties ?? {}) as Rec;
  const out: Rec = {};
  const customer: Rec = {};
  const address: Rec = {};
  const vehicle: Rec = {};
  put(out, 'createdAt', dt(p.createdate));
  put(out, 'updatedAt', dt(p.lastmodifieddate));
  const email = str(p.email);
  put(customer, 'email', email === undefined ? undefined : normalizeEmail(email));
  put(customer, 'firstName', trim(p.firstname) && titleCase(trim(p.firstname)!));
  put(customer, 'lastName', trim(p.lastname) && titleCase(trim(p.lastname)!));
  put(customer, 'phone', phone(p.phone));
  put(customer, 'mobilePhone', phone(p.mobilephone));
  put(address, 'line1', trim(p.address));
  put(address, 'city', trim(p.city) && titleCase(trim(p.city)!));
  put(address, 'state', trim(p.state)?.toUpperCase());
  put(address, 'postalCode', str(p.zip) && normalizePostal(p.zip));
  put(address, 'country', trim(p.country)?.toUpperCase() ?? 'US');
  const status = str(p.hs_lead_status);
  put(out, 'stage', status === undefined ? undefined : (STAGES[status] ?? 'new'));
  put(out, 'source', trim(p.hs_analytics_source)?.toLowerCase());
  const d1 = str(p.hs_analytics_source_data_1);
  const d2 = str(p.hs_analytics_source_data_2);
  if (d1 !== undefined || d2 !== undefined) {
    put(out, 'sourceDetail', `${d1 ?? ''} / ${d2 ?? ''}`.trim().replace(/\s{2,}/g, ' '));
  }
  put(out, 'campaignName', trim(p.utm_campaign));
  const gclid = trim(p.hs_google_click_id);
  if (gclid !== undefined) out.clickIds = { gclid };
  put(out, 'assignedTo', str(p.hubspot_owner_id));
  put(out, 'comments', trim(p.message));
  const year = str(p.vehicle_year) === undefined ? undefined : parseNumber(p.vehicle_year);
  put(vehicle, 'year', year === undefined ? undefined : Math.round(year));
  put(vehicle, 'make', trim(p.vehicle_make) && titleCase(trim(p.vehicle_make)!));
  put(vehicle, 'model', trim(p.vehicle_model));
  const vin = str(p.vehicle_vin) && normalizeVin(str(p.vehicle_vin)!);
  put(vehicle, 'vin', vin instanceof Invalid ? undefined : vin);
  const optout = str(p.hs_email_optout)?.toLowerCase();
  put(out, 'consentEmail', optout === 'true' ? false : optout === 'false' ? true : undefined);
  if (Object.keys(address).length > 0) customer.address = address;
  if (Object.keys(customer).length > 0) out.customer = customer;
  if (Object.keys(vehicle).length > 0) out.vehicle = vehicle;
  return out;
}
