import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { FIXTURES } from './harness.ts';

/** A fixed clock for file times: exports "dropped" at minutes after this (seconds since epoch). */
export const T0 = Date.parse('2026-11-20T06:00:00Z') / 1000;

/** Writes `content` (or copies the fixture `fixture:<name>`) to `key` under `root`, stamped `minute`. */
export function drop(root: string, key: string, content: string | Buffer, minute = 0): string {
  const path = join(root, key);
  mkdirSync(dirname(path), { recursive: true });
  if (typeof content === 'string' && content.startsWith('fixture:'))
    copyFileSync(join(FIXTURES, content.slice(8)), path);
  else writeFileSync(path, content);
  const at = T0 + minute * 60;
  utimesSync(path, at, at);
  return path;
}

/** Local-folder settings of a connection on `folder`, small pages unless told. */
export const localSettings = (folder: string, extra: Record<string, unknown> = {}) => ({
  location: { type: 'local', folder },
  pageSize: 4,
  ...extra,
});

/** A generic-layout export with deals `from`..`to` (consecutive numbers), all valid. */
export function salesCsv(from: number, to: number): string {
  const head =
    'dealer_id,deal_number,sale_date,new_used,vin,first_name,last_name,email,sale_price,front_gross,back_gross';
  const rows: string[] = [];
  for (let n = from; n <= to; n++)
    rows.push(
      `ACME01,${n},2026-11-${String(1 + (n % 28)).padStart(2, '0')},${n % 2 ? 'N' : 'U'},,` +
        `Pat,Buyer${n},pat.buyer${n}@example.com,${20000 + n}.00,1500,700`,
    );
  return [head, ...rows].join('\n') + '\n';
}
