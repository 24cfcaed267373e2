import { z } from 'zod';

import { asString, defineTransform, identity, Invalid } from './types.ts';

/**
 * USPS state and territory abbreviations (USPS Publication 28, Appendix B "State Abbreviations"),
 * by the name as people write it. Lead forms ask free text, so `Texas`, `texas` and `TX` all come.
 */
const USPS: Readonly<Record<string, string>> = {
  alabama: 'AL',
  alaska: 'AK',
  arizona: 'AZ',
  arkansas: 'AR',
  california: 'CA',
  colorado: 'CO',
  connecticut: 'CT',
  delaware: 'DE',
  'district of columbia': 'DC',
  florida: 'FL',
  georgia: 'GA',
  hawaii: 'HI',
  idaho: 'ID',
  illinois: 'IL',
  indiana: 'IN',
  iowa: 'IA',
  kansas: 'KS',
  kentucky: 'KY',
  louisiana: 'LA',
  maine: 'ME',
  maryland: 'MD',
  massachusetts: 'MA',
  michigan: 'MI',
  minnesota: 'MN',
  mississippi: 'MS',
  missouri: 'MO',
  montana: 'MT',
  nebraska: 'NE',
  nevada: 'NV',
  'new hampshire': 'NH',
  'new jersey': 'NJ',
  'new mexico': 'NM',
  'new york': 'NY',
  'north carolina': 'NC',
  'north dakota': 'ND',
  ohio: 'OH',
  oklahoma: 'OK',
  oregon: 'OR',
  pennsylvania: 'PA',
  'rhode island': 'RI',
  'south carolina': 'SC',
  'south dakota': 'SD',
  tennessee: 'TN',
  texas: 'TX',
  utah: 'UT',
  vermont: 'VT',
  virginia: 'VA',
  washington: 'WA',
  'west virginia': 'WV',
  wisconsin: 'WI',
  wyoming: 'WY',
  'american samoa': 'AS',
  guam: 'GU',
  'northern mariana islands': 'MP',
  'puerto rico': 'PR',
  'virgin islands': 'VI',
  'u.s. virgin islands': 'VI',
  'us virgin islands': 'VI',
  'washington dc': 'DC',
  'washington d.c.': 'DC',
  'd.c.': 'DC',
};
const CODES: ReadonlySet<string> = new Set(Object.values(USPS));

/**
 * A US state or territory, as its 2-letter USPS code: `Texas`, `texas`, ` TX ` and `tx.` give
 * `TX`; `new   york` gives `NY`. `undefined` when the text is no US state.
 * @example stateCode('Texas') // 'TX'
 */
export function stateCode(text: string): string | undefined {
  const s = text.trim().replace(/\s+/g, ' ').toLowerCase();
  const code = s.replace(/\.$/, '').toUpperCase();
  if (code.length === 2 && CODES.has(code)) return code;
  // Own keys only: a value such as "constructor" must not find Object.prototype's members.
  const name = Object.hasOwn(USPS, s) ? s : s.replace(/^state of /, '');
  return Object.hasOwn(USPS, name) ? USPS[name] : undefined;
}

/** state: US state names and codes to the 2-letter USPS code; anything else is refused. */
export const state = defineTransform({
  name: 'state',
  summary: 'US state or territory name or code → 2-letter USPS code (Texas → TX).',
  options: z.strictObject({}),
  idempotent: true,
  create: () => ({
    forward: (v) => {
      const s = asString(v);
      if (s instanceof Invalid) return s;
      return stateCode(s) ?? new Invalid(`not a US state or territory: "${s}"`);
    },
    inverse: identity,
  }),
});
