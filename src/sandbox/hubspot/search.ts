/*
 * The CRM search semantics of the fake HubSpot, as "Search the CRM" states them
 * (developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm): filter groups are ORed
 * and filters in a group ANDed (at most 5 groups, 6 filters a group, 18 in all); one sort rule;
 * `limit` at most 200; `after` an integer offset; at most 10,000 results per query ("Attempting to
 * page beyond 10,000 will result in a 400 error"). Among records with equal sort values the order
 * is HubSpot's own: here it is stable for one query but differs between queries, so a client that
 * relies on it loses or repeats records.
 */

/** A stored object: its id and string properties, as HubSpot's wire has them. */
export interface FakeObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}

/** A refused search: HubSpot answers 400 VALIDATION_ERROR. */
export class SearchRefused extends Error {}

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
}
interface Body {
  filterGroups?: { filters: Filter[] }[];
  sorts?: { propertyName: string; direction?: string }[];
  properties?: string[];
  limit?: number;
  after?: string;
}

/** The most results one query reaches. */
export const FAKE_CAP = 10_000;

const asNumber = (v: string): number | null => {
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return /^\d{4}-\d\d-\d\d/.test(v) && !Number.isNaN(t) ? t : null;
};

/** Compares a stored value with a filter value: as numbers (dates as epoch ms) when both are. */
function compare(stored: string, value: string): number {
  const a = asNumber(stored);
  const b = asNumber(value);
  if (a !== null && b !== null) return a - b;
  return stored.toLowerCase().localeCompare(value.toLowerCase());
}

function matches(o: FakeObject, f: Filter): boolean {
  const v = o.properties[f.propertyName];
  if (f.operator === 'HAS_PROPERTY') return v != null && v !== '';
  if (f.operator === 'NOT_HAS_PROPERTY') return v == null || v === '';
  if (v == null) return f.operator === 'NEQ';
  const c = (x: string | undefined) => compare(v, x ?? '');
  switch (f.operator) {
    case 'EQ':
      return c(f.value) === 0;
    case 'NEQ':
      return c(f.value) !== 0;
    case 'GT':
      return c(f.value) > 0;
    case 'GTE':
      return c(f.value) >= 0;
    case 'LT':
      return c(f.value) < 0;
    case 'LTE':
      return c(f.value) <= 0;
    case 'BETWEEN':
      return c(f.value) >= 0 && c(f.highValue) <= 0;
    case 'IN':
      return (f.values ?? []).some((x) => c(x) === 0);
    case 'NOT_IN':
      return !(f.values ?? []).some((x) => c(x) === 0);
    default:
      throw new SearchRefused(`unknown operator ${f.operator}`);
  }
}

/** FNV-1a: HubSpot's order among equal sort values, stable per query. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function validate(b: Body): void {
  const groups = b.filterGroups ?? [];
  if (groups.length > 5) throw new SearchRefused('at most 5 filterGroups');
  if (groups.some((g) => g.filters.length > 6))
    throw new SearchRefused('at most 6 filters a group');
  if (groups.reduce((n, g) => n + g.filters.length, 0) > 18)
    throw new SearchRefused('at most 18 filters');
  if ((b.sorts ?? []).length > 1) throw new SearchRefused('Only one sorting rule can be applied');
  if ((b.limit ?? 10) > 200) throw new SearchRefused('limit at most 200');
  if (b.after !== undefined && !/^\d+$/.test(b.after))
    throw new SearchRefused('after must be an integer');
}

/** Answers one search body over the objects of a type, as HubSpot would. */
export function search(objects: readonly FakeObject[], b: Body, defaults: readonly string[]) {
  validate(b);
  const limit = b.limit ?? 10;
  const offset = Number(b.after ?? 0);
  if (offset >= FAKE_CAP) throw new SearchRefused('cannot page beyond 10,000 results');
  const groups = b.filterGroups ?? [];
  const hits = objects.filter(
    (o) => groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(o, f))),
  );
  const sort = b.sorts?.[0];
  const sig = JSON.stringify([b.filterGroups, b.sorts]);
  const dir = sort?.direction === 'DESCENDING' ? -1 : 1;
  const keyed = hits.map((o) => ({ o, tie: fnv(`${sig}:${o.id}`) }));
  keyed.sort((x, y) => {
    const a = sort ? (x.o.properties[sort.propertyName] ?? '') : x.o.createdAt;
    const z = sort ? (y.o.properties[sort.propertyName] ?? '') : y.o.createdAt;
    return dir * compare(a, z) || x.tie - y.tie;
  });
  const wanted = new Set([...defaults, ...(b.properties ?? [])]);
  const page = keyed.slice(offset, Math.min(offset + limit, FAKE_CAP)).map(({ o }) => ({
    id: o.id,
    properties: Object.fromEntries([...wanted].map((p) => [p, o.properties[p] ?? null])),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    archived: false,
  }));
  const nextAt = offset + limit;
  // HubSpot offers no next page it would refuse: none past the 10,000 cap.
  const next = nextAt < hits.length && nextAt < FAKE_CAP ? { next: { after: String(nextAt) } } : {};
  return { total: hits.length, results: page, paging: next };
}
