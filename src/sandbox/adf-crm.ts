import { XMLParser } from 'fast-xml-parser';

import { SandboxServer, type SandboxReply, type SandboxRequest } from './server.ts';

/** One prospect the CRM took in: its ids by source and the parts a salesperson reads. */
export interface CrmProspect {
  ids: Record<string, string>;
  requestdate: string;
  name: string;
  provider: string;
  raw: string;
}

/** Content types a dealer CRM's ADF intake takes (docs/vendors.md (ADF): application/x-adf+xml suggested). */
const XML_TYPES = ['application/xml', 'text/xml', 'application/x-adf+xml'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['prospect', 'id', 'vehicle', 'name', 'phone'].includes(name),
});

type Node = Record<string, unknown>;
const text = (n: unknown): string =>
  typeof n === 'string' || typeof n === 'number' ? String(n) : String((n as Node)?.['#text'] ?? '');

/**
 * A dealer CRM's ADF/XML lead intake on loopback: one document per POST, authenticated by a
 * token header, checked against the ADF 1.0 DTD's required minimum (docs/vendors.md (ADF): requestdate, a
 * vehicle with year/make/model, a customer contact with a name and an email or phone, a vendor
 * with a contact). A document missing any of them is refused 400 naming the element.
 */
export class AdfCrmSandbox extends SandboxServer {
  readonly prospects: CrmProspect[] = [];

  constructor(readonly opts: { header: string; token: string }) {
    super();
  }

  protected answer(req: SandboxRequest): SandboxReply {
    if (req.method !== 'POST' || req.path !== '/adf')
      return { status: 404, text: `no route ${req.method} ${req.path}` };
    if (req.headers[this.opts.header.toLowerCase()] !== this.opts.token)
      return { status: 401, text: 'missing or wrong API token' };
    const type = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    if (!XML_TYPES.includes(type)) return { status: 415, text: `content-type ${type} is not XML` };
    const xml = req.raw.toString('utf8');
    if (!/<\?adf\s+version="1\.0"\s*\?>/i.test(xml))
      return { status: 400, text: 'missing <?adf version="1.0"?>' };
    let doc: Node;
    try {
      doc = parser.parse(xml) as Node;
    } catch (err) {
      return { status: 400, text: `not XML: ${(err as Error).message}` };
    }
    const prospects = ((doc.adf as Node | undefined)?.prospect ?? []) as Node[];
    if (!prospects.length) return { status: 400, text: '<adf> needs a <prospect>' };
    for (const p of prospects) {
      const problem = prospectProblem(p);
      if (problem) return { status: 400, text: problem };
    }
    for (const p of prospects) this.prospects.push(toProspect(p, xml));
    return { status: 200, text: 'OK' };
  }
}

function prospectProblem(p: Node): string | null {
  if (!text(p.requestdate)) return '<prospect> needs a <requestdate>';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)$/.test(text(p.requestdate)))
    return `<requestdate> ${text(p.requestdate)} is not ISO 8601 with an offset`;
  const vehicles = (p.vehicle ?? []) as Node[];
  if (!vehicles.length) return '<prospect> needs a <vehicle>';
  // The DTD requires the elements (`year, make, model`), not text in them: #PCDATA may be empty.
  for (const v of vehicles)
    for (const f of ['year', 'make', 'model']) if (!(f in v)) return `<vehicle> needs a <${f}>`;
  const contact = (p.customer as Node | undefined)?.contact as Node | undefined;
  if (!contact) return '<customer> needs a <contact>';
  if (!((contact.name ?? []) as unknown[]).length) return '<contact> needs a <name>';
  if (!text(contact.email) && !((contact.phone ?? []) as unknown[]).length)
    return '<contact> needs an <email> or a <phone>';
  const vendor = p.vendor as Node | undefined;
  if (!vendor?.contact) return '<prospect> needs a <vendor> with a <contact>';
  return null;
}

function toProspect(p: Node, raw: string): CrmProspect {
  const ids: Record<string, string> = {};
  for (const id of (p.id ?? []) as Node[]) ids[String(id['@source'] ?? '')] = text(id);
  const contact = (p.customer as Node).contact as Node;
  const name = ((contact.name ?? []) as unknown[]).map(text).join(' ');
  const provider = text(((p.provider as Node | undefined)?.name as unknown[] | undefined)?.[0]);
  return { ids, requestdate: text(p.requestdate), name, provider, raw };
}
