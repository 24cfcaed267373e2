import { XMLBuilder } from 'fast-xml-parser';

import type { SystemRecord } from '../../src/sdk/connector.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { modelOrder } from './content-model.ts';
import { CampaignContext, contextIds, contextLines, type AdfId } from './context.ts';
import { ADF_PROLOG, ATTRIBUTES, CONTENT } from './dtd.ts';
import type { AdfSettings } from './settings.ts';
import { validateAdf } from './validate.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
const textOf = (v: unknown): string =>
  isObj(v) ? String(v['#text'] ?? '') : v === undefined || v === null ? '' : String(v);

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
  processEntities: true,
});

// Written even when they are the DTD defaults: CRMs that never read the DTD still see them.
const VEHICLE = ATTRIBUTES.vehicle!;
const orders = new Map(Object.entries(CONTENT).map(([el, m]) => [el, modelOrder(m)]));

/** Puts an element's attributes first and its children in the order its content model gives. */
function ordered(tag: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(tag, v));
  if (!isObj(value)) return value;
  const rank = orders.get(tag) ?? [];
  const at = (k: string) =>
    k.startsWith('@') ? -2 : k === '#text' ? -1 : rank.indexOf(k) + 1 || 1e6;
  const keys = Object.keys(value).sort((a, b) => at(a) - at(b));
  return Object.fromEntries(
    keys.map((k) => [k, k.startsWith('@') || k === '#text' ? value[k] : ordered(k, value[k])]),
  );
}

/** What a lead needs besides its mapped record. */
export interface BuildOptions {
  canonicalId: string;
  status: 'new' | 'resend';
  settings: AdfSettings;
}

/**
 * Turns a mapped lead record (`{ prospect, context }`, the XML as an object: `@name` attributes,
 * `#text` text) into an ADF 1.0 document: the hub's id first among the prospect ids, the store as
 * `<vendor>`, campaign context in `<comments>` and `<provider>`, the elements the DTD requires
 * filled in (a vehicle with its interest and status and empty year/make/model, a name), every
 * element in DTD order, and the
 * result validated. Throws `PermanentError` when the lead cannot make a valid document (no email
 * and no phone), naming every problem.
 */
export function buildAdf(record: SystemRecord, o: BuildOptions): string {
  const p: Obj = structuredClone(isObj(record.prospect) ? record.prospect : {});
  const ctx = CampaignContext.safeParse(record.context ?? {});
  if (!ctx.success)
    throw new PermanentError(`context: ${ctx.error.issues[0]!.message}`, null, 'context');
  const s = o.settings;

  p['@status'] = o.status;
  const hubId: AdfId = { '@sequence': '1', '@source': s.idSource, '#text': o.canonicalId };
  p.id = [hubId, ...list(p.id).filter((x) => textOf(x) !== '')];
  if (typeof p.requestdate === 'string') p.requestdate = p.requestdate.replace(/Z$/, '+00:00');

  const vehicles = list(p.vehicle).filter(isObj);
  p.vehicle = (vehicles.length ? vehicles : [{}]).map((v) => ({
    '@interest': VEHICLE.interest!.default,
    '@status': VEHICLE.status!.default,
    year: '',
    make: '',
    model: '',
    ...v,
  }));

  const customer = (p.customer = isObj(p.customer) ? p.customer : {}) as Obj;
  const contact = (customer.contact = isObj(customer.contact) ? customer.contact : {}) as Obj;
  if (!list(contact.name).some((n) => textOf(n))) {
    contact.name = [{ '@part': 'full', '#text': s.missingName }];
  }
  if (!textOf(contact.email) && !list(contact.phone).some((x) => textOf(x)))
    throw new PermanentError(
      'the lead has neither email nor phone; ADF requires one',
      null,
      'customer',
    );
  if (isObj(contact.address) && !list(contact.address.street).length)
    contact.address.street = [{ '@line': '1', '#text': '' }];
  const lines = contextLines(ctx.data);
  if (lines.length)
    customer.comments = [textOf(customer.comments), lines.join('\n')].filter(Boolean).join('\n\n');

  p.vendor ??= vendorOf(s);
  const ids = contextIds(ctx.data);
  if (ids.length || p.provider) {
    const provider = (p.provider = isObj(p.provider) ? p.provider : {}) as Obj;
    provider.id = [...list(provider.id), ...ids];
    if (!textOf(provider.name)) provider.name = { '@part': 'full', '#text': s.providerName };
    if (!provider.service && ctx.data.campaignName) provider.service = ctx.data.campaignName;
  }

  const xml = ADF_PROLOG + (builder.build({ adf: { prospect: ordered('prospect', p) } }) as string);
  const problems = validateAdf(xml);
  if (problems.length) throw new PermanentError(`not valid ADF 1.0: ${problems.join('; ')}`);
  return xml;
}

/** The store as `<vendor>`, from the connection's settings. */
function vendorOf(s: AdfSettings): Obj {
  const v = s.vendor;
  return {
    vendorname: v.name,
    ...(v.url ? { url: v.url } : {}),
    contact: {
      name: [{ '@part': 'full', '#text': v.contactName }],
      ...(v.email ? { email: v.email } : {}),
      ...(v.phone ? { phone: [{ '@type': 'voice', '#text': v.phone }] } : {}),
    },
  };
}
