/** A small deterministic random source (mulberry32), so every demo plays the same story. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element. */
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** `n` random digits. */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(i === 0 ? 1 : 0, 9));
    return s;
  }

  /** `n` random url-safe characters (click ids). */
  token(n: number): string {
    const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
    let s = '';
    for (let i = 0; i < n; i++) s += abc[this.int(0, abc.length - 1)];
    return s;
  }
}

const FIRST = [
  'James',
  'Maria',
  'Robert',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'Carlos',
  'Sofia',
  'Daniel',
  'Ashley',
  'Jose',
  'Emily',
  'Kevin',
  'Brittany',
  'Luis',
  'Megan',
  'Brian',
  'Rachel',
  'Tyler',
  'Amanda',
  'Juan',
  'Lauren',
  'Justin',
  'Hannah',
  'Miguel',
  'Samantha',
  'Travis',
  'Destiny',
  'Cody',
  'Gabriela',
  'Dustin',
  'Alyssa',
  'Ricardo',
  'Kayla',
  'Wade',
  'Priya',
  'Trung',
  'Mei',
  'Garrett',
  'Ana',
  'Cole',
  'Veronica',
  'Jesse',
  'Brooke',
] as const;
const LAST = [
  'Garcia',
  'Martinez',
  'Johnson',
  'Williams',
  'Hernandez',
  'Smith',
  'Lopez',
  'Brown',
  'Gonzalez',
  'Davis',
  'Rodriguez',
  'Miller',
  'Perez',
  'Wilson',
  'Sanchez',
  'Anderson',
  'Ramirez',
  'Thomas',
  'Torres',
  'Moore',
  'Flores',
  'Jackson',
  'Rivera',
  'Nguyen',
  'Reyes',
  'Patel',
  'Cruz',
  'Baker',
  'Morales',
  'Hill',
  'Ortiz',
  'Campbell',
  'Gutierrez',
  'Mitchell',
  'Chavez',
  'Roberts',
  'Ruiz',
  'Phillips',
  'Alvarez',
  'Evans',
  'Castillo',
  'Turner',
  'Vasquez',
  'Parker',
  'Mendoza',
  'Collins',
] as const;
const PLACES = [
  ['Austin', '78704'],
  ['Austin', '78745'],
  ['Austin', '78748'],
  ['Round Rock', '78664'],
  ['Round Rock', '78681'],
  ['Pflugerville', '78660'],
  ['Cedar Park', '78613'],
  ['Georgetown', '78626'],
  ['Kyle', '78640'],
  ['Buda', '78610'],
  ['Leander', '78641'],
  ['San Marcos', '78666'],
] as const;
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'att.net'] as const;
/** Area codes of central Texas; 555-0100..0199 are the numbers reserved for fiction. */
const AREA_CODES = ['512', '737', '254', '210', '830', '361', '979', '325', '936'] as const;

/** A person of the story (a prospect or a buyer). */
export interface Person {
  firstName: string;
  lastName: string;
  email: string;
  /** E.164. */
  phone: string;
  city: string;
  postalCode: string;
}

/** `n` distinct people (unique emails and phones), at most 900. */
export function people(rng: Rng, n: number): Person[] {
  const out: Person[] = [];
  for (let i = 0; i < n; i++) {
    const firstName = rng.pick(FIRST);
    const lastName = rng.pick(LAST);
    const [city, postalCode] = rng.pick(PLACES);
    const area = AREA_CODES[Math.floor(i / 100) % AREA_CODES.length]!;
    const phone = `+1${area}5550${100 + (i % 100)}`.slice(0, 12);
    const email = `${firstName}.${lastName}${i}@${rng.pick(DOMAINS)}`.toLowerCase();
    out.push({ firstName, lastName, email, phone, city, postalCode });
  }
  return out;
}

/** Vehicles people ask about and buy at a Chevrolet store. */
export const VEHICLES = [
  { year: '2026', make: 'Chevrolet', model: 'Silverado 1500', trim: 'LT', status: 'new' },
  { year: '2026', make: 'Chevrolet', model: 'Equinox EV', trim: '2LT', status: 'new' },
  { year: '2026', make: 'Chevrolet', model: 'Tahoe', trim: 'Z71', status: 'new' },
  { year: '2025', make: 'Chevrolet', model: 'Colorado', trim: 'Trail Boss', status: 'new' },
  { year: '2022', make: 'Ford', model: 'F-150', trim: 'XLT', status: 'used' },
  { year: '2021', make: 'Toyota', model: 'Tacoma', trim: 'SR5', status: 'used' },
] as const;
/** A vehicle of {@link VEHICLES}. */
export type Vehicle = (typeof VEHICLES)[number];
