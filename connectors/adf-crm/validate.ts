import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { checkChildren, KNOWN_ELEMENTS } from './content-model.ts';
import { ATTRIBUTES, ISO_DATE_TIME, TEXT_ELEMENTS } from './dtd.ts';

/** One node of fast-xml-parser's `preserveOrder` output. */
type OrderedNode = { [tag: string]: OrderedNode[] } & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

const PROLOG = /^<\?xml version="1\.0"( encoding="UTF-8")?\?>\s*<\?adf version="1\.0"\?>/;
const tagOf = (n: OrderedNode) => Object.keys(n).find((k) => k !== ':@')!;

/**
 * Validates an ADF document strictly against the ADF 1.0 DTD (dtd.ts): well-formed XML, the
 * `<?adf version="1.0"?>` instruction right after the XML declaration, `<adf>` as root, every
 * element known and its children in the order and number its content model allows, every
 * attribute declared with an allowed value, and `requestdate` in ISO 8601 with a full offset.
 * Returns every problem found (empty when valid). This is how generated documents are checked
 * before they are sent, and what the tests check them with.
 */
export function validateAdf(xml: string): string[] {
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true)
    return [`not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line})`];
  const problems: string[] = [];
  if (!PROLOG.test(xml))
    problems.push('the document must start with <?xml version="1.0"?> then <?adf version="1.0"?>');
  const roots = (parser.parse(xml) as OrderedNode[]).filter((n) => !tagOf(n).startsWith('?'));
  const root = roots.find((n) => tagOf(n) !== '#text');
  if (!root || tagOf(root) !== 'adf') problems.push('the root element must be <adf>');
  else walk(root, 'adf', problems);
  return problems;
}

function walk(node: OrderedNode, path: string, problems: string[]): void {
  const tag = tagOf(node);
  if (!KNOWN_ELEMENTS.has(tag)) {
    problems.push(`${path}: <${tag}> is not an ADF 1.0 element`);
    return;
  }
  checkAttributes(tag, node[':@'] ?? {}, path, problems);
  const kids = node[tag]!.filter((k) => tagOf(k) !== '#text');
  const why = checkChildren(tag, kids.map(tagOf));
  if (why) problems.push(`${path}: ${why}`);
  if (TEXT_ELEMENTS.has(tag) && tag === 'requestdate') {
    const text = node[tag]!.map((k) => String(k['#text'] ?? '')).join('');
    if (!ISO_DATE_TIME.test(text))
      problems.push(`${path}: "${text}" is not an ISO 8601 date-time with a full offset`);
  }
  kids.forEach((k, i) => walk(k, `${path}/${tagOf(k)}[${i + 1}]`, problems));
}

function checkAttributes(
  tag: string,
  attrs: Record<string, string>,
  path: string,
  problems: string[],
): void {
  const declared = ATTRIBUTES[tag] ?? {};
  for (const [name, value] of Object.entries(attrs)) {
    const def = declared[name];
    if (!def) problems.push(`${path}: <${tag}> has no attribute "${name}"`);
    else if (def.values && !def.values.includes(value))
      problems.push(`${path}: ${name}="${value}" is not one of ${def.values.join(' | ')}`);
  }
}
