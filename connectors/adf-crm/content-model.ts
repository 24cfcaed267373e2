import { CONTENT, TEXT_ELEMENTS, TIMEFRAME_ELEMENTS } from './dtd.ts';

const TOKEN = /\s*([a-z][a-z0-9-]*|[(),|?*+])/gy;

/**
 * Compiles a DTD content model (`id*, requestdate, vehicle+, ...`) into a regular expression over
 * the children's names, each followed by a comma: `(?:id,)*(?:requestdate,)(?:vehicle,)+...`.
 * Names, `,` (sequence), `|` (choice), groups and `? * +` map one to one onto regex syntax.
 */
export function compileContentModel(model: string): RegExp {
  let re = '';
  for (let at = 0; model.slice(at).trim(); at = TOKEN.lastIndex) {
    TOKEN.lastIndex = at;
    const t = TOKEN.exec(model)?.[1];
    if (t === undefined) throw new Error(`bad content model at ${at}: ${model}`);
    if (t !== ',') re += t === '(' ? '(?:' : /^[a-z]/.test(t) ? `(?:${t},)` : t;
  }
  return new RegExp(`^${re}$`);
}

/** The names of a model in the order they first appear: the order children are written in. */
export function modelOrder(model: string): string[] {
  return [...new Set(model.match(/[a-z][a-z0-9-]*/g) ?? [])];
}

/** Elements that may repeat somewhere (`name*` or `name+`): parsed as lists. */
export const REPEATABLE: ReadonlySet<string> = new Set(
  Object.values(CONTENT).flatMap((m) =>
    [...m.matchAll(/([a-z][a-z0-9-]*)[*+]/g)].map((x) => x[1]!),
  ),
);

const compiled = new Map(Object.entries(CONTENT).map(([el, m]) => [el, compileContentModel(m)]));
const timeframe = compileContentModel(TIMEFRAME_ELEMENTS);

/** Every element the DTD declares. */
export const KNOWN_ELEMENTS: ReadonlySet<string> = new Set([
  ...Object.keys(CONTENT),
  ...TEXT_ELEMENTS,
  ...modelOrder(TIMEFRAME_ELEMENTS),
]);

/**
 * Checks an element's children names against its content model; returns a reason or null.
 * Text elements must have no children (`timeframe` may have its element form instead).
 */
export function checkChildren(element: string, children: readonly string[]): string | null {
  const seq = children.map((c) => `${c},`).join('');
  if (element === 'timeframe')
    return children.length === 0 || timeframe.test(seq)
      ? null
      : `<timeframe> children (${children.join(', ')}) do not match (${TIMEFRAME_ELEMENTS})`;
  if (TEXT_ELEMENTS.has(element))
    return children.length ? `<${element}> holds text only, found <${children[0]}>` : null;
  const re = compiled.get(element);
  if (!re) return `<${element}> is not an ADF 1.0 element`;
  return re.test(seq)
    ? null
    : `<${element}> children (${children.join(', ') || 'none'}) do not match (${CONTENT[element]})`;
}
