import { vinCheckDigit } from '../src/mapping/transforms/index.ts';

// Realistic HubSpot contact records for the benchmark: mixed phone formats, messy case and
// spacing, ZIP+4, a few invalid phones and missing fields, as dealership CRMs hold them.
const FIRST = ['JANE', 'robert', 'María', 'li', "o'neil", 'Chris ', 'DeShawn', 'anne-marie'];
const LAST = ['doe', 'BERNAT', 'García', "O'Brien", 'nguyen', 'smith-jones', 'McDonald', 'Lee'];
const AREA = [212, 312, 415, 650, 713, 214, 305, 404, 617, 702, 248, 313, 512, 469];
const STATUS = [
  'NEW',
  'OPEN',
  'ATTEMPTED_TO_CONTACT',
  'CONNECTED',
  'APPOINTMENT_SET',
  'SHOWED',
  'SOLD',
  'UNQUALIFIED',
];
const MAKES = ['honda', 'TOYOTA', 'Ford', 'chevrolet', 'nissan'];
const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function vin(r: () => number): string {
  const chars = Array.from({ length: 17 }, () => VIN_CHARS[Math.floor(r() * VIN_CHARS.length)]!);
  chars[8] = '0';
  chars[8] = vinCheckDigit(chars.join(''));
  return chars.join('');
}

function phone(r: () => number, i: number): string {
  const a = AREA[i % AREA.length]!;
  const x = 200 + Math.floor(r() * 700);
  const n = String(1000 + Math.floor(r() * 9000));
  switch (i % 6) {
    case 0:
      return `(${a}) ${x}-${n}`;
    case 1:
      return `${a}.${x}.${n}`;
    case 2:
      return `+1 ${a} ${x} ${n}`;
    case 3:
      return `${a}${x}${n}`;
    case 4:
      return `+1${a}${x}${n}`;
    default:
      return i % 50 === 5 ? '555-1234' : `${a}-${x}-${n}`;
  }
}

/** `count` distinct HubSpot contact records, the same every run. */
export function leadRecords(count: number, seed = 42): Record<string, unknown>[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const day = String(1 + (i % 28)).padStart(2, '0');
    return {
      id: String(100000 + i),
      properties: {
        createdate: `2025-01-${day}T${String(i % 24).padStart(2, '0')}:15:00.000Z`,
        lastmodifieddate: `2025-02-${day}T10:00:00Z`,
        email: ` ${first.trim()}.${last}${i}@Example${i % 3 === 0 ? '.COM' : '.com'} `,
        firstname: first,
        lastname: last,
        phone: phone(r, i),
        mobilephone: i % 4 === 0 ? undefined : phone(r, i + 3),
        address: `${100 + (i % 900)}  Main St `,
        city: i % 2 ? 'austin' : 'SAN ANTONIO',
        state: i % 2 ? 'tx' : 'TX ',
        zip:
          i % 3
            ? `78${String(700 + (i % 99)).padStart(3, '0')}-1234`
            : `787${String(i % 99).padStart(2, '0')}`,
        country: i % 5 ? undefined : 'us',
        hs_lead_status: STATUS[i % STATUS.length],
        hs_analytics_source: i % 2 ? 'PAID_SEARCH' : 'SOCIAL_MEDIA',
        hs_analytics_source_data_1: i % 2 ? 'google' : 'facebook',
        hs_analytics_source_data_2: `campaign-${i % 17}`,
        utm_campaign: ` Spring Event ${i % 5} `,
        hs_google_click_id: i % 2 ? `Cj0KCQ${i}` : undefined,
        hubspot_owner_id: String(9000 + (i % 12)),
        message: i % 3 ? 'Is the car still available?' : undefined,
        vehicle_year: String(2018 + (i % 8)),
        vehicle_make: MAKES[i % MAKES.length],
        vehicle_model: ' Civic ',
        vehicle_vin: vin(r),
        hs_email_optout: i % 9 ? 'false' : 'TRUE',
      },
    };
  });
}
