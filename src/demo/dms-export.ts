import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { vinCheckDigit } from '../mapping/transforms/vin.ts';
import type { StorySale } from './story.ts';

/** Columns of the generic deal export (docs/vendors.md (DMS exports)), the layout `mappings/dms-sales.yaml` reads. */
export const DEAL_COLUMNS = [
  'dealer_id',
  'deal_number',
  'deal_status',
  'sale_date',
  'new_used',
  'sale_type',
  'vin',
  'stock_number',
  'year',
  'make',
  'model',
  'trim',
  'customer_number',
  'first_name',
  'last_name',
  'company_name',
  'email',
  'phone_home',
  'phone_cell',
  'city',
  'state',
  'postal_code',
  'sale_price',
  'front_gross',
  'back_gross',
  'total_gross',
  'salesperson',
  'fi_manager',
  'lead_source',
] as const;

const SALESPEOPLE = ['Dana Brooks', 'Luis Ortega', 'Kim Tran', 'Bobby Rhodes', 'Ashley Kim'];
const money = (cents: number) => (cents / 100).toFixed(2);
const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
/** A valid 17-character VIN for a deal: Chevrolet WMI, model year T (2026), its check digit. */
function vinOf(deal: string): string {
  const draft = `1GCUYDED0T1${deal.padStart(6, '0').slice(-6)}`;
  return `${draft.slice(0, 8)}${vinCheckDigit(draft)}${draft.slice(9)}`;
}

/** One row of the export: how a DMS writes the buyer varies (email, phone only, name and ZIP). */
function row(s: StorySale, i: number): Record<(typeof DEAL_COLUMNS)[number], string> {
  const p = s.person;
  const national = p.phone.slice(2);
  return {
    dealer_id: 'LSM01',
    deal_number: s.dealNumber,
    deal_status: 'F',
    sale_date: usDate(s.date),
    new_used: s.vehicle.status === 'new' ? 'N' : 'U',
    sale_type: i % 4 === 0 ? 'Cash' : 'Finance',
    vin: vinOf(s.dealNumber),
    stock_number: `${s.vehicle.status === 'new' ? 'N' : 'U'}${s.dealNumber}`,
    year: s.vehicle.year,
    make: s.vehicle.make.toUpperCase(),
    model: s.vehicle.model.toUpperCase(),
    trim: s.vehicle.trim,
    customer_number: String(70_000 + i),
    first_name: p.firstName.toUpperCase(),
    last_name: p.lastName.toUpperCase(),
    company_name: '',
    email: s.contact === 'email' ? p.email : '',
    phone_home: '',
    phone_cell:
      s.contact === 'namePostal'
        ? ''
        : `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`,
    city: p.city.toUpperCase(),
    state: 'TX',
    postal_code: p.postalCode,
    sale_price: money(s.priceCents),
    front_gross: money(s.frontCents),
    back_gross: money(s.backCents),
    total_gross: money(s.frontCents + s.backCents),
    salesperson: SALESPEOPLE[i % SALESPEOPLE.length]!,
    fi_manager: 'Lee Park',
    lead_source: s.lead ? s.lead.campaign.channel : 'Walk-in',
  };
}

/**
 * Writes the deals as the DMS drops them: one CSV per half month under `<folder>/sales/`.
 * Returns the files written.
 */
export function writeDmsExports(folder: string, sales: StorySale[]): string[] {
  mkdirSync(join(folder, 'sales'), { recursive: true });
  const weeks = new Map<string, string[]>();
  sales.forEach((s, i) => {
    const r = row(s, i);
    const week = s.date.slice(0, 8) + (Number(s.date.slice(8)) <= 15 ? '01' : '16');
    const lines = weeks.get(week) ?? [DEAL_COLUMNS.join(',')];
    lines.push(DEAL_COLUMNS.map((c) => csvCell(r[c])).join(','));
    weeks.set(week, lines);
  });
  // One deal keyed in by hand with a date that does not exist: the hub quarantines it with the
  // reason, and the dashboard's quarantine page has something to fix and replay.
  const last = sales.at(-1);
  if (last) {
    const typo = { ...row(last, sales.length), deal_number: String(Number(last.dealNumber) + 500) };
    typo.sale_date = `02/30/${last.date.slice(0, 4)}`;
    [...weeks.values()].at(-1)!.push(DEAL_COLUMNS.map((c) => csvCell(typo[c])).join(','));
  }
  const files: string[] = [];
  for (const [week, lines] of weeks) {
    const file = join(folder, 'sales', `deals-${week}.csv`);
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    files.push(file);
  }
  return files;
}
