import { Metadata, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';

// Type names in the order libphonenumber-js's getNumberType() tries them.
const TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP'];
const MORE_TYPES = ['PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

interface Plan {
  callingCode(): string;
  nationalNumberPattern(): string;
  hasTypes(): boolean;
  nationalPrefixForParsing(): string | undefined;
  type(t: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/** A validity check of national numbers for one country, with its regexes compiled once. */
export interface NationalValidator {
  callingCode: string;
  isValid(nationalNumber: string): boolean;
  /**
   * True when the digits begin with what the country's rules strip before parsing (a national
   * prefix or carrier code, e.g. Brazil's `0xx`/`90`): such numbers take the library's full path.
   */
  mayCarryPrefix(digits: string): boolean;
}

const anchored = (p: string) => new RegExp(`^(?:${p})$`);

/**
 * Precompiles libphonenumber-js's own validity rules for one country (its national number
 * pattern and, where the metadata has them, its number-type patterns and lengths), so a number
 * already in national or E.164 form for the default country is checked without the library's
 * per-call regex construction. It answers what `parsePhoneNumber(n, country).isValid()` answers
 * for such numbers (pinned by a property test); anything else takes the library's full path.
 */
export function nationalValidator(country: CountryCode, json: MetadataJson): NationalValidator {
  const metadata = new Metadata(json);
  metadata.selectNumberingPlan(country);
  const plan = metadata.numberingPlan as unknown as Plan;
  const general = anchored(plan.nationalNumberPattern());
  const types = plan.hasTypes()
    ? [...TYPES, ...MORE_TYPES].flatMap((t) => {
        const def = plan.type(t);
        if (!def || !def.pattern()) return [];
        return [{ re: anchored(def.pattern()), lengths: def.possibleLengths() }];
      })
    : undefined;
  const prefix = plan.nationalPrefixForParsing();
  const prefixRe = prefix ? new RegExp(`^(?:${prefix})`) : null;
  return {
    callingCode: plan.callingCode(),
    mayCarryPrefix: (digits) => prefixRe !== null && prefixRe.test(digits),
    isValid(n) {
      if (!general.test(n)) return false;
      if (!types) return true;
      for (const t of types)
        if ((!t.lengths || t.lengths.includes(n.length)) && t.re.test(n)) return true;
      return false;
    },
  };
}
