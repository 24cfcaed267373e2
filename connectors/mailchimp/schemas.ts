import { z } from 'zod';

import { parseVendorBody } from '../../src/sdk/vendor-body.ts';

/** Parses a Mailchimp answer with `schema`, or fails it as permanent, naming the first bad field. */
export const parseBody = parseVendorBody;

/** A list member as `GET /lists/{id}/members` gives it (fields the connector reads). */
export const Member = z.object({
  id: z.string().min(1),
  email_address: z.string().min(1),
  unique_email_id: z.string().optional(),
  status: z.string(),
  merge_fields: z.record(z.string(), z.unknown()).default({}),
  timestamp_signup: z.string().optional(),
  timestamp_opt: z.string().optional(),
  last_changed: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date-time'),
  tags: z.array(z.object({ id: z.number().optional(), name: z.string() })).default([]),
  list_id: z.string().optional(),
});

/** A parsed list member. */
export type Member = z.output<typeof Member>;

/** One page of members. */
export const MembersPage = z.object({
  members: z.array(Member),
  total_items: z.number().int().nonnegative(),
});

/**
 * One page of `GET /campaigns` (the fields a caller asked for: `settings.title` is the campaign's
 * name in Mailchimp, `settings.subject_line` its email's subject; Marketing API campaigns
 * reference).
 */
export const CampaignsPage = z.object({
  campaigns: z.array(
    z.looseObject({
      id: z.string().min(1),
      send_time: z.string().optional(),
      settings: z
        .looseObject({
          title: z.string().nullable().optional(),
          subject_line: z.string().nullable().optional(),
        })
        .optional(),
    }),
  ),
  total_items: z.number().int().nonnegative(),
});

/** One activity event of a recipient (kestra.io mailchimp ListEmailActivity / GetCampaignReport). */
export const Activity = z.object({
  action: z.string(),
  /** `hard` or `soft` on a `bounce` (Mailchimp's email-activity reference). */
  type: z.string().optional(),
  timestamp: z.string().min(1),
  url: z.string().optional(),
  ip: z.string().optional(),
});

/** One page of `GET /reports/{campaign_id}/email-activity` (kestra.io mailchimp ListEmailActivity / GetCampaignReport). */
export const EmailActivityPage = z.object({
  emails: z.array(
    z.object({
      campaign_id: z.string().min(1),
      list_id: z.string().optional(),
      email_id: z.string().min(1),
      email_address: z.string().min(1),
      activity: z.array(Activity).default([]),
    }),
  ),
  total_items: z.number().int().nonnegative(),
});

/** A batch request's state (Arcadier/Mailchimp-Exporter wiki). `finished` does not mean every operation succeeded. */
export const BatchStatus = z.object({
  id: z.string().min(1),
  status: z.enum(['pending', 'preprocessing', 'started', 'finalizing', 'finished']),
  total_operations: z.number().int().nonnegative(),
  finished_operations: z.number().int().nonnegative(),
  errored_operations: z.number().int().nonnegative(),
  response_body_url: z.string().default(''),
});
/** A parsed batch state. */
export type BatchStatus = z.output<typeof BatchStatus>;

/**
 * One JSON file of the batch results archive: `[{status_code, operation_id, response}]` with
 * `response` the operation's body as JSON text (confirmed by public consumers of the archive,
 * e.g. hull-mailchimp's "data is {status_code, operation_id, response: encoded_json}").
 */
export const BatchResultFile = z.array(
  z.object({
    status_code: z.number().int(),
    operation_id: z.string().nullable().optional(),
    response: z.string().nullable().optional(),
  }),
);
