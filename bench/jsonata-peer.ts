import jsonata from 'jsonata';

import {
  Invalid,
  normalizeEmail,
  normalizePostal,
  normalizeVin,
  tidy,
  titleCase,
  toE164,
} from '../src/mapping/transforms/index.ts';
import { dt, STAGES } from './hand-written.ts';

// The same HubSpot contact → lead mapping as a JSONata expression, compiled once. Normalizations
// JSONata lacks (phone, email, title case, postal, VIN, dates) are registered as functions that
// call the same helpers the engine uses, so only the evaluation machinery differs.
const EXPRESSION = `(
  $p := properties;
  {
    "createdAt": $dt($p.createdate),
    "updatedAt": $dt($p.lastmodifieddate),
    "customer": {
      "email": $email($p.email),
      "firstName": $title($tidy($p.firstname)),
      "lastName": $title($tidy($p.lastname)),
      "phone": $phone($p.phone),
      "mobilePhone": $phone($p.mobilephone),
      "address": {
        "line1": $tidy($p.address),
        "city": $title($tidy($p.city)),
        "state": $uppercase($tidy($p.state)),
        "postalCode": $postal($p.zip),
        "country": $exists($p.country) ? $uppercase($tidy($p.country)) : "US"
      }
    },
    "stage": $exists($p.hs_lead_status)
      ? ($exists($lookup($stages, $p.hs_lead_status)) ? $lookup($stages, $p.hs_lead_status) : "new"),
    "source": $lowercase($tidy($p.hs_analytics_source)),
    "sourceDetail": ($exists($p.hs_analytics_source_data_1) or $exists($p.hs_analytics_source_data_2))
      ? $tidy(($exists($p.hs_analytics_source_data_1) ? $p.hs_analytics_source_data_1 : "") & " / " &
              ($exists($p.hs_analytics_source_data_2) ? $p.hs_analytics_source_data_2 : "")),
    "campaignName": $tidy($p.utm_campaign),
    "clickIds": $exists($p.hs_google_click_id) ? { "gclid": $tidy($p.hs_google_click_id) },
    "assignedTo": $p.hubspot_owner_id,
    "comments": $tidy($p.message),
    "vehicle": {
      "year": $exists($p.vehicle_year) ? $round($number($p.vehicle_year)),
      "make": $title($tidy($p.vehicle_make)),
      "model": $tidy($p.vehicle_model),
      "vin": $vin($p.vehicle_vin)
    },
    "consentEmail": $lowercase($p.hs_email_optout) = "true" ? false
      : ($lowercase($p.hs_email_optout) = "false" ? true)
  }
)`;

type Fn = (v: unknown) => unknown;
const opt =
  (f: (s: string) => unknown): Fn =>
  (v) =>
    v === undefined || v === null || v === '' ? undefined : f(String(v));
const bindings: Record<string, unknown> = {
  stages: STAGES,
  tidy: opt((s) => tidy(s) || undefined),
  title: opt(titleCase),
  email: opt(normalizeEmail),
  phone: opt((s) => toE164(s, 'US')),
  postal: (v: unknown) => (v === undefined ? undefined : normalizePostal(v)),
  vin: opt((s) => {
    const r = normalizeVin(s);
    return r instanceof Invalid ? undefined : r;
  }),
  dt,
};

/** The compiled JSONata peer: `evaluate(record)` resolves to the canonical lead. */
export function jsonataPeer(): (record: unknown) => Promise<unknown> {
  const expr = jsonata(EXPRESSION);
  return (record) => expr.evaluate(record, bindings);
}
