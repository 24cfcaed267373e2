import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Contact } from '../../src/canonical/index.ts';
import { resolveCustomers } from '../../src/identity/resolve.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

// CLOSED-LOOP.md "Identity": a record with the strong keys of two customers merges them, but
// identity "must never merge two people" and members of one family (different first names or
// different emails) stay apart. A record whose email is customer A's and whose phone is customer
// B's: merged only when A, B and the record agree; otherwise the record is the customer its keys
// name without a conflict (the email's first), and the phone stays with B.

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t.cleanup());

let clock = Date.now();
let n = 0;
const PHONE = '+15125550101';

/** A fresh tenant where `a` and then `b` were resolved; then `record`, then a bare phone. */
async function play(a: Contact, b: Contact, record: Contact) {
  const tenant = `hh${n++}`;
  const resolve = (c: Contact) =>
    resolveCustomers(t.hub.redis, t.hub.keys, tenant, [c], undefined, ++clock);
  const A = (await resolve(a)).people[0]!.customerId;
  const B = (await resolve(b)).people[0]!.customerId;
  const name = (id: string) => (id === A ? 'A' : id === B ? 'B' : 'new');
  const { people, merges } = await resolve(record);
  const phone = (await resolve({ phone: PHONE })).people[0]!.customerId;
  return {
    record: name(people[0]!.customerId),
    matchKey: people[0]!.matchKey,
    merges: merges.map((m) => `${name(m.loser)}->${name(m.survivor)}`),
    phone: name(phone),
  };
}

describe('email names customer A, phone names customer B', () => {
  it('B has another email (a household phone): no merge, the record is A, the phone stays B', async () => {
    expect(
      await play(
        { firstName: 'Ann', email: 'ann@x.com' },
        { firstName: 'Ann', email: 'bob@x.com', phone: PHONE },
        { firstName: 'Ann', email: 'ann@x.com', phone: PHONE },
      ),
    ).toEqual({ record: 'A', matchKey: 'email', merges: [], phone: 'B' });
    // The record without a first name: the same.
    expect(
      await play(
        { firstName: 'Ann', email: 'ann@x.com' },
        { email: 'bob@x.com', phone: PHONE },
        { email: 'ann@x.com', phone: PHONE },
      ),
    ).toMatchObject({ record: 'A', merges: [], phone: 'B' });
  });

  it('A and B are one family (same last name and postal code, different first names): apart; the nameless record is the email’s customer', async () => {
    const family = { lastName: 'Lee', postalCode: '78701' };
    expect(
      await play(
        { ...family, firstName: 'Ann', email: 'ann@x.com' },
        { ...family, firstName: 'Bob', phone: PHONE },
        { email: 'ann@x.com', phone: PHONE },
      ),
    ).toEqual({ record: 'A', matchKey: 'email', merges: [], phone: 'B' });
  });

  it('the record names B’s first name: the email’s customer conflicts, the record is B by phone', async () => {
    expect(
      await play(
        { firstName: 'Ann', email: 'ann@x.com' },
        { firstName: 'Bob', phone: PHONE },
        { firstName: 'Bob', email: 'ann@x.com', phone: PHONE },
      ),
    ).toEqual({ record: 'B', matchKey: 'phone', merges: [], phone: 'B' });
  });

  it('A, B and the record agree (B a bare phone): one person, B merged into the older A', async () => {
    expect(
      await play(
        { firstName: 'Ann', email: 'ann@x.com' },
        { phone: PHONE },
        { firstName: 'Ann', email: 'ann@x.com', phone: PHONE },
      ),
    ).toEqual({ record: 'A', matchKey: 'email', merges: ['B->A'], phone: 'A' });
  });
});
