import { formatMajorUnits } from '../../src/mapping/transforms/money.ts';

/**
 * How systems write an amount of `cents`, one text per style: plain, grouped, with a currency
 * sign or code, padded; negatives with a minus before or after, or in parentheses.
 */
export function moneyStyles(cents: number): string[] {
  const neg = cents < 0;
  const abs = Math.abs(cents);
  const plain = formatMajorUnits(abs);
  const grouped = plain.replace(/\B(?=(\d{3})+(?!\d))(?=.*\.)/g, ',');
  const short = plain.replace(/\.?0+$/, '') || '0'; // "1234.5", "1234"
  return neg
    ? [`-${plain}`, `(${grouped})`, `$(${grouped})`, `${plain}-`, `-$${grouped}`, `-${short}`]
    : [plain, `$${grouped}`, short, `USD ${plain}`, ` ${grouped} `, `+${plain}`];
}
