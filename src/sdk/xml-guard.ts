import { PermanentError } from './errors.ts';

/**
 * Deepest element nesting an XML delivery may have. ADF documents nest about 6 deep
 * (adf > prospect > customer > contact > address > street); 64 leaves room for vendor extensions
 * while refusing the 100,000-deep documents that exhaust parsers.
 */
export const MAX_XML_DEPTH = 64;

/**
 * Refuses XML a webhook must never parse, in one linear pass before any parser sees it: a DOCTYPE
 * or ENTITY declaration (external entities, entity expansion bombs) and nesting deeper than
 * `maxDepth`. The error names the line of the offending tag.
 * @throws PermanentError (answered 400 by the webhook intake, so vendors do not retry it).
 */
export function assertSafeXml(text: string, what: string, maxDepth = MAX_XML_DEPTH): void {
  let depth = 0;
  let line = 1;
  let lastIndex = 0;
  const lineAt = (at: number) => {
    for (let i = lastIndex; i < at; i++) if (text.charCodeAt(i) === 10) line++;
    lastIndex = at;
    return line;
  };
  const tags = /<(\/?)([!?]?)([^\s>/]*)[^>]*?(\/?)>/g;
  for (let m = tags.exec(text); m; m = tags.exec(text)) {
    const [, closing, special, name, selfClosing] = m;
    if (special === '!') {
      const upper = name!.toUpperCase();
      if (upper.startsWith('[CDATA[')) {
        const end = text.indexOf(']]>', m.index);
        tags.lastIndex = end < 0 ? text.length : end + 3;
        continue;
      }
      if (upper === 'DOCTYPE' || upper === 'ENTITY')
        throw new PermanentError(
          `${what}: a DOCTYPE or ENTITY declaration is refused (line ${lineAt(m.index)})`,
        );
      continue;
    }
    if (special === '?' || selfClosing) continue;
    depth += closing ? -1 : 1;
    if (depth > maxDepth)
      throw new PermanentError(
        `${what}: elements nest deeper than ${maxDepth} levels (line ${lineAt(m.index)})`,
      );
  }
}
