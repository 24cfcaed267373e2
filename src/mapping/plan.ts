import { canonicalEntities } from '../canonical/index.ts';
import { canonicalFields } from '../canonical/fields.ts';
import type { Getter } from './accessor.ts';
import type { Problem } from './explain.ts';
import { readerOf } from './field-parts.ts';
import { planField, type FieldPlan } from './plan-field.ts';
import type { MappingSpec } from './schema.ts';

/** A whole mapping, planned: its fields in file order and its record key reader. */
export interface MappingPlan {
  fields: FieldPlan[];
  recordKey?: Getter;
  /** Reader of `landsOn.origin.ids`. */
  originIds?: Getter;
  problems: Problem[];
}

/**
 * Checks a mapping against its canonical entity and compiles every field. Also checks that a
 * mapping which reads records in maps every field the entity requires (unless `checkCoverage` is
 * false: the loader plans the valid fields of a partly invalid file to report all mistakes).
 */
export function planMapping(spec: MappingSpec, checkCoverage = true): MappingPlan {
  const problems: Problem[] = [];
  const fields = canonicalFields(canonicalEntities[spec.entity]);
  const plans = Object.entries(spec.fields).map(([name, f]) =>
    planField(name, f, { spec, fields }, problems),
  );
  const recordKey = readerOf(spec.recordKey, problems, ['recordKey']);
  const originIds = spec.landsOn ? checkLandsOn(spec, plans, problems) : undefined;
  if (checkCoverage && plans.some((p) => p.in)) {
    const mapped = new Set(plans.filter((p) => p.in).map((p) => p.name));
    for (const cf of fields.values()) {
      if (cf.required && !mapped.has(cf.path)) {
        problems.push({
          path: ['fields'],
          atKey: true,
          message: `${spec.entity} requires "${cf.path}" but no in field maps it`,
        });
      }
    }
  }
  return {
    fields: plans,
    problems,
    ...(recordKey ? { recordKey } : {}),
    ...(originIds ? { originIds } : {}),
  };
}

/** `landsOn` is for lead mappings and names fields the file maps in; returns the origin reader. */
function checkLandsOn(spec: MappingSpec, plans: FieldPlan[], problems: Problem[]) {
  const landsOn = spec.landsOn!;
  if (spec.entity !== 'lead')
    problems.push({ path: ['landsOn'], atKey: true, message: 'landsOn is for lead mappings only' });
  const mappedIn = new Set(plans.filter((p) => p.in).map((p) => p.name));
  landsOn.fields.forEach((f, i) => {
    if (!mappedIn.has(f))
      problems.push({
        path: ['landsOn', 'fields', i],
        message: `"${f}" is not a field this mapping maps in`,
      });
  });
  return landsOn.origin
    ? readerOf(landsOn.origin.ids, problems, ['landsOn', 'origin', 'ids'])
    : undefined;
}
