import { createHash } from 'node:crypto';

import { XMLParser, XMLValidator } from 'fast-xml-parser';

import type { SystemRecord } from '../../src/sdk/connector.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import { assertSafeXml } from '../../src/sdk/xml-guard.ts';
import { splitName } from '../../src/mapping/transforms/index.ts';
import { REPEATABLE } from './content-model.ts';
import { ATTRIBUTES, TEXT_ELEMENTS } from './dtd.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Text elements that carry attributes: always objects with `#text`, so mappings read one shape. */
const WITH_ATTRIBUTES = new Set(Object.keys(ATTRIBUTES).filter((t) => TEXT_ELEMENTS.has(t)));

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  transformTagName: (t) => t.toLowerCase(),
  transformAttributeName: (a) => a.toLowerCase(),
  isArray: (tag) => REPEATABLE.has(tag.toLowerCase()),
});

/** Non-DTD values lead vendors write, mapped to the DTD's (docs/vendors.md (ADF) real-world deviations). */
const SYNONYMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'phone@type': {
    home: 'voice',
    work: 'voice',
    mobile: 'cellphone',
    cell: 'cellphone',
    cellular: 'cellphone',
  },
  'name@part': { firstname: 'first', lastname: 'last', given: 'first', family: 'last' },
  'vehicle@interest': {
    'trade in': 'trade-in',
    tradein: 'trade-in',
    'test drive': 'test-drive',
    testdrive: 'test-drive',
  },
};

/**
 * Ad click ids a website's lead form passes along as `<id source="gclid">` (Google's click id
 * and its iOS forms gbraid/wbraid, Meta's fbclid): the source is free text in the DTD, so vendors
 * write `GCLID` or ` gclid `; it is lower-cased for these so mappings find them.
 */
const CLICK_ID_SOURCES: ReadonlySet<string> = new Set(['gclid', 'gbraid', 'wbraid', 'fbclid']);

/**
 * Repairs the offsets real feeds send (`-0800`, `-08:0`, `-8:00`) into `±hh:mm`; other text
 * is left as it is.
 */
export function repairOffset(text: string): string {
  const m = /^(.*T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*([+-])(\d{1,2}):?(\d{0,2})$/.exec(text);
  if (!m) return text;
  return `${m[1]}${m[2]}${m[3]!.padStart(2, '0')}:${(m[4] || '0').padEnd(2, '0')}`;
}

/** Lower-cases enumerated attribute values, maps synonyms, and writes the DTD's defaults. */
function normalizeAttributes(tag: string, el: Obj): void {
  for (const [name, def] of Object.entries(ATTRIBUTES[tag] ?? {})) {
    const key = `@${name}`;
    const raw = el[key];
    if (typeof raw === 'string' && def.values) {
      const v = raw.trim().toLowerCase();
      const mapped = SYNONYMS[`${tag}@${name}`]?.[v] ?? v;
      el[key] = def.values.includes(mapped) ? mapped : (def.default ?? mapped);
    } else if (raw === undefined && def.default !== undefined) el[key] = def.default;
  }
}

/** Normalizes one element (and its subtree) of a parsed document in place; returns it. */
function normalize(tag: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(tag, v));
  const el: unknown = WITH_ATTRIBUTES.has(tag) && !isObj(value) ? { '#text': value ?? '' } : value;
  if (!isObj(el)) return tag === 'requestdate' && typeof el === 'string' ? repairOffset(el) : el;
  normalizeAttributes(tag, el);
  if (tag === 'id' && typeof el['@source'] === 'string') {
    const source = el['@source'].trim().toLowerCase();
    if (CLICK_ID_SOURCES.has(source)) el['@source'] = source;
  }
  for (const k of Object.keys(el))
    if (!k.startsWith('@') && k !== '#text') el[k] = normalize(k, el[k]);
  if (tag === 'contact') addNameParts(el);
  return el;
}

/** A contact with only a full name also gets first and last parts, which mappings read. */
function addNameParts(contact: Obj): void {
  const names = (contact.name as Obj[] | undefined) ?? [];
  if (names.some((n) => n['@part'] === 'first' || n['@part'] === 'last')) return;
  const full = names.find((n) => n['@part'] === 'full');
  if (!full || typeof full['#text'] !== 'string') return;
  const parts = splitName(full['#text'], 'natural');
  if (parts.first) names.push({ '@part': 'first', '@type': 'individual', '#text': parts.first });
  if (parts.last) names.push({ '@part': 'last', '@type': 'individual', '#text': parts.last });
}

/**
 * Decodes a posted document by the charset its Content-Type or XML declaration names (older lead
 * vendors send ISO-8859-1 or windows-1252); UTF-8 otherwise.
 */
export function decodeAdf(body: Buffer, contentType = ''): string {
  const head = body.subarray(0, 200).toString('latin1');
  const named =
    /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? /encoding=["']([\w-]+)["']/i.exec(head)?.[1];
  try {
    return new TextDecoder(named ?? 'utf-8').decode(body);
  } catch {
    return body.toString('utf8'); // a charset name TextDecoder does not know
  }
}

/**
 * Parses an ADF document a lead vendor posted into one record per `<prospect>`, shaped like the
 * records the adf-lead mapping writes (`{ prospect }`, repeatable elements as lists, attribute
 * elements with `#text`). Tolerates what real feeds do (docs/vendors.md (ADF)): a byte order mark, a missing
 * or upper-case `<?ADF?>` instruction or one placed before the XML declaration, upper- or
 * mixed-case names and values, `phone type="home|work|mobile"`, `name` with only a full name,
 * offsets without a colon or cut short, a bare `<prospect>` root. A prospect without an `<id>`
 * gets one from a hash of its content, so a redelivery is the same record.
 * @throws PermanentError when the body is not XML, declares a DOCTYPE, nests deeper than
 * `MAX_XML_DEPTH` or holds no prospect.
 */
export function parseAdf(text: string): SystemRecord[] {
  const body = text
    .replace(/^\uFEFF/, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .trim();
  assertSafeXml(body, 'ADF');
  const wellFormed = XMLValidator.validate(body);
  if (wellFormed !== true)
    throw new PermanentError(
      `ADF is not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line})`,
    );
  const doc = parser.parse(body) as Obj;
  const root = isObj(doc.adf) ? doc.adf : doc;
  const prospects = (Array.isArray(root.prospect) ? root.prospect : []).filter(isObj);
  if (prospects.length === 0) throw new PermanentError('ADF document has no <prospect>');
  return prospects.map((raw) => {
    const prospect = normalize('prospect', raw) as Obj;
    const ids = (prospect.id as Obj[] | undefined)?.filter((i) => i['#text']) ?? [];
    if (ids.length === 0) {
      const hash = createHash('sha256').update(JSON.stringify(raw)).digest('hex').slice(0, 32);
      ids.push({ '@source': 'DealerLoop content hash', '#text': hash });
    }
    prospect.id = ids;
    return { prospect };
  });
}
