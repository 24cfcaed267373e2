import { date, datetime } from './datetime.ts';
import { email } from './email.ts';
import { sha256 } from './hash.ts';
import { defaultValue, first, join, split } from './list.ts';
import { gross } from './gross.ts';
import { currency, majorUnits } from './money.ts';
import { nameJoin, namePart, nameSplit } from './name.ts';
import { boolean, number } from './number.ts';
import { phone } from './phone.ts';
import { postal } from './postal.ts';
import { lower, replace, string, title, trim, upper } from './text.ts';
import type { TransformDef } from './types.ts';
import { state } from './us-state.ts';
import { vin } from './vin.ts';

/** Every transform a mapping file can name, by name. */
export const transforms: ReadonlyMap<string, TransformDef> = new Map(
  (
    [
      trim,
      lower,
      upper,
      title,
      string,
      replace,
      email,
      phone,
      nameSplit,
      nameJoin,
      namePart,
      postal,
      state,
      vin,
      date,
      datetime,
      number,
      currency,
      majorUnits,
      gross,
      boolean,
      split,
      join,
      defaultValue,
      first,
      sha256,
    ] as unknown as TransformDef[]
  ).map((t) => [t.name, t]),
);

/** Transform names, for suggestions and the JSON Schema. */
export const transformNames: readonly string[] = [...transforms.keys()];

export { normalizeEmail } from './email.ts';
export { sha256Hex } from './hash.ts';
export { joinName, splitName, type NameParts } from './name.ts';
export { formatMajorUnits, parseMinorUnits } from './money.ts';
export { parseNumber } from './number.ts';
export { formatPhone, toE164 } from './phone.ts';
export { normalizePostal } from './postal.ts';
export { stateCode } from './us-state.ts';
export { tidy, titleCase } from './text.ts';
export { Invalid, type Step, type TransformContext, type TransformDef } from './types.ts';
export { normalizeVin, vinCheckDigit } from './vin.ts';
export { formatDateTime, parseDate, parseDateTime } from './date-parse.ts';
