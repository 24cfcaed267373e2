import { randomUUID } from 'node:crypto';

import fc from 'fast-check';
import { parsePhoneNumber } from 'libphonenumber-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Contact } from '../../src/canonical/index.ts';
import { currentCustomerId } from '../../src/identity/members.ts';
import { resolveCustomers } from '../../src/identity/resolve.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t.cleanup());

interface Person {
  first: string;
  last: string;
  postal: string;
  email?: string;
  phones: string[];
}

const FIRSTS = ['José', 'Maria', 'Ann', 'Jean-Luc', 'Zoë'];
const LASTS = ['Garcia', 'van der Berg', "O'Neil"];
const POSTALS = ['78708', '10001'];

/** Spellings of one person's details as different systems write them. */
const nameVariant = (s: string, v: number) =>
  [s, s.toUpperCase(), s.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''), ` ${s} `][v % 4]!;
const emailVariant = (e: string, v: number) => [e, e.toUpperCase(), ` ${e}`][v % 3]!;
const phoneVariant = (p: string, v: number) => {
  const n = p.slice(2);
  const raw = [p, `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`, `1-${n}`][v % 3]!;
  return parsePhoneNumber(raw, 'US').number; // what a mapping's phone transform stores
};

/** One record of a person: first name always, the parts `keep` selects, spelled by `v`. */
function recordOf(p: Person, keep: { email: boolean; phones: boolean; addr: boolean }, v: number) {
  const c: Contact = { firstName: nameVariant(p.first, v), lastName: nameVariant(p.last, v + 1) };
  if (keep.email && p.email) c.email = emailVariant(p.email, v);
  if (keep.phones && p.phones[0]) c.phone = phoneVariant(p.phones[0], v);
  if (keep.phones && p.phones[1]) c.mobilePhone = phoneVariant(p.phones[1], v + 1);
  if (keep.addr) c.address = { postalCode: v % 2 ? `${p.postal}-0042` : p.postal };
  return c;
}

/** Resolves records in concurrent batches; returns each record's customer after every merge. */
async function resolveInBatches(tenant: string, records: Contact[], cuts: number[]) {
  const bounds = [...new Set([0, ...cuts.map((c) => c % (records.length + 1)), records.length])];
  bounds.sort((a, b) => a - b);
  const batches = bounds.slice(1).map((end, i) => records.slice(bounds[i], end));
  const results = await Promise.all(
    batches.map((b) => resolveCustomers(t.hub.redis, t.hub.keys, tenant, b)),
  );
  const ids = results.flatMap((r) => r.people.map((p) => p?.customerId ?? null));
  return Promise.all(
    ids.map((id) => (id ? currentCustomerId(t.hub.redis, t.hub.keys, tenant, id) : null)),
  );
}

const phoneOf = (n: number) => `+1512555${String(1000 + n)}`;

const JOSE: Person = { first: 'José', last: 'Garcia', postal: '10001', phones: [] };

/** People of a few households: names, postal codes, family emails and phones collide. */
const households = fc
  .array(
    fc.record({
      first: fc.nat(FIRSTS.length - 1),
      last: fc.nat(LASTS.length - 1),
      postal: fc.nat(POSTALS.length - 1),
      email: fc.option(fc.nat(3)), // 0 = the family email, else their own
      phones: fc.array(fc.nat(6), { maxLength: 2 }), // 0..2 = household phones, else their own
    }),
    { minLength: 2, maxLength: 7 },
  )
  .map((rows) =>
    rows.map((r, i): Person => {
      const family = `${r.last}-${r.postal}`;
      return {
        first: FIRSTS[r.first]!,
        last: LASTS[r.last]!,
        postal: POSTALS[r.postal]!,
        email: r.email === null ? undefined : r.email === 0 ? `fam${family}@x.com` : `p${i}@x.com`,
        phones: [...new Set(r.phones.map((n) => phoneOf(n <= 2 ? n : 100 + i * 10 + n)))],
      };
    }),
  )
  // A shared family email is used by people of different first names only.
  .filter((ps) =>
    ps.every((a, i) => ps.every((b, j) => i === j || a.email !== b.email || a.first !== b.first)),
  );

const conflict = (a: Person, b: Person) =>
  a.first !== b.first ||
  (!!a.email && !!b.email && a.email !== b.email) ||
  (a.phones.length > 0 && b.phones.length > 0 && !a.phones.some((p) => b.phones.includes(p)));

/** Same first name, last name and postal code: the weak key (the generator spells no name twice). */
const sameWeakKey = (a: Person, b: Person) =>
  a.first === b.first && a.last === b.last && a.postal === b.postal;

const keepArb = fc.record({ email: fc.boolean(), phones: fc.boolean(), addr: fc.boolean() });

describe('identity properties (real Redis)', () => {
  it('people with different first names or conflicting emails or phones never share a customer', async () => {
    await fc.assert(
      fc.asyncProperty(
        households,
        fc.array(fc.tuple(fc.nat(20), fc.nat(11), keepArb, fc.boolean()), {
          minLength: 1,
          maxLength: 25,
        }),
        fc.array(fc.nat(30), { maxLength: 4 }),
        async (people, picks, cuts) => {
          const tenant = randomUUID();
          const rows = picks.map(([who, v, keep, full]) => ({
            who: who % people.length,
            full,
            record: recordOf(
              people[who % people.length]!,
              full ? { email: true, phones: true, addr: true } : keep,
              v,
            ),
          }));
          const ids = await resolveInBatches(
            tenant,
            rows.map((r) => r.record),
            cuts,
          );
          // The people with a record on each customer.
          const whoOn = new Map<string, Set<number>>();
          rows.forEach((r, i) => {
            if (ids[i]) whoOn.set(ids[i], (whoOn.get(ids[i]) ?? new Set()).add(r.who));
          });
          rows.forEach((a, i) =>
            rows.forEach((b, j) => {
              if (i >= j || a.who === b.who || !ids[i] || ids[i] !== ids[j]) return;
              const pa = people[a.who]!;
              const pb = people[b.who]!;
              // First names travel on every record.
              expect(pa.first).toBe(pb.first);
              // Emails and phones conflict visibly only when both records carry everything
              // their person has, and the rules may still join two such people through other
              // records: partial records of two people with one weak key (same first name, last
              // name and postal code: the weak key decides for a record whose strong keys
              // nobody has, see 'two people with one name and postal code' below), or a third
              // person who shares a key with each. Without either, they stay apart.
              const bridged = sameWeakKey(pa, pb) || whoOn.get(ids[i])!.size > 2;
              if (a.full && b.full && !bridged) expect(conflict(pa, pb)).toBe(false);
            }),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  // A counterexample fast-check found to the property above as it first stood (seed 1363678651):
  // the rules join these two people, as ../shared/CLOSED-LOOP.md "Identity" writes them.
  it('two people with one name and postal code: a record whose email nobody has takes the weak key', async () => {
    const tenant = randomUUID();
    const withPhone: Person = { ...JOSE, phones: [phoneOf(0)] };
    const withEmail: Person = { ...JOSE, email: 'fam0-1@x.com', phones: [phoneOf(1)] };
    const all = { email: true, phones: true, addr: true };
    const ids = await resolveInBatches(
      tenant,
      [
        recordOf(withPhone, { email: false, phones: true, addr: true }, 0), // a new customer
        recordOf(withEmail, { email: true, phones: false, addr: true }, 0), // weak key: joins it
        recordOf(withEmail, all, 0), // by its email
        recordOf(withPhone, all, 0), // by its phone: nothing conflicts, it has no email
        recordOf(withEmail, { email: true, phones: false, addr: false }, 0), // by its email
      ],
      [],
    );
    expect(new Set(ids).size).toBe(1);
    // Without the postal code the email-only record has no weak key: a customer of its own.
    const apart = await resolveInBatches(
      randomUUID(),
      [
        recordOf(withPhone, { email: false, phones: true, addr: true }, 0),
        recordOf(withEmail, { email: true, phones: false, addr: false }, 0),
      ],
      [],
    );
    expect(new Set(apart).size).toBe(2);
  });

  it('the same person in any mix of spellings is always one customer, after merges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(11), fc.boolean(), fc.boolean()), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.nat(4),
        fc.array(fc.nat(30), { maxLength: 4 }),
        async (variants, who, cuts) => {
          const tenant = randomUUID();
          const person: Person = {
            first: FIRSTS[who]!,
            last: LASTS[who % LASTS.length]!,
            postal: POSTALS[who % POSTALS.length]!,
            email: `person${who}@x.com`,
            phones: [phoneOf(500 + who), phoneOf(600 + who)],
          };
          // Every record has a strong key; one of them has all (so the partial ones merge).
          const records = [
            recordOf(person, { email: true, phones: true, addr: true }, 0),
            ...variants.map(([v, email, addr]) =>
              recordOf(person, { email, phones: !email, addr }, v),
            ),
          ].reverse();
          const ids = await resolveInBatches(tenant, records, cuts);
          expect(new Set(ids).size).toBe(1);
          expect(ids[0]).toBeTruthy();
        },
      ),
      { numRuns: 60 },
    );
  });
});
