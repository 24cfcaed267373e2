import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Contact } from '../../src/canonical/index.ts';
import { resolveCustomers } from '../../src/identity/resolve.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t.cleanup());

// Each call a millisecond later than the one before: "older" is decided by the profiles' creation
// times (ties by id, which is random), and two calls can fall in one millisecond.
let clock = Date.now();
const resolveAll = (tenant: string, contacts: (Contact | undefined)[]) =>
  resolveCustomers(t.hub.redis, t.hub.keys, tenant, contacts, undefined, ++clock);
const resolve = async (tenant: string, contacts: (Contact | undefined)[]) =>
  (await resolveAll(tenant, contacts)).people;
const at78708 = { postalCode: '78708-1234' };

describe('resolveCustomers: strong keys', () => {
  it('finds a person again by email or by any of their phones, with high confidence', async () => {
    const [ann, none] = await resolve('s1', [
      { firstName: 'Ann', email: 'Ann@X.com', phone: '+15125550101', mobilePhone: '+15125550109' },
      {},
    ]);
    expect(ann).toMatchObject({ created: true, matchKey: null, matchConfidence: null });
    expect(none).toBeNull();
    const again = await resolve('s1', [
      { mobilePhone: '+15125550109' },
      { email: ' ann@x.com' },
      undefined,
    ]);
    expect(again[0]).toEqual({
      customerId: ann!.customerId,
      created: false,
      matchKey: 'phone',
      matchConfidence: 'high',
    });
    expect(again[1]).toMatchObject({ customerId: ann!.customerId, matchKey: 'email' });
    expect(again[2]).toBeNull();
  });

  it('a household sharing a phone stays apart when the email or the first name differs', async () => {
    const phone = '+15125550120';
    const [maria, jose, joseAgain, ana] = await resolve('s2', [
      { firstName: 'Maria', lastName: 'Garcia', email: 'maria@x.com', phone },
      { firstName: 'Jose', lastName: 'Garcia', email: 'jose@x.com', phone },
      { firstName: 'José', email: 'JOSE@x.com' },
      { firstName: 'Ana', lastName: 'Garcia', phone },
    ]);
    expect(jose!.created).toBe(true);
    expect(jose!.customerId).not.toBe(maria!.customerId);
    expect(joseAgain!.customerId).toBe(jose!.customerId);
    expect(ana!.created).toBe(true);
    expect(new Set([maria, jose, ana].map((p) => p!.customerId)).size).toBe(3);
    // The phone stays with its first owner: a bare phone record is Maria's.
    const [bare] = await resolve('s2', [{ phone }]);
    expect(bare!.customerId).toBe(maria!.customerId);
  });

  it('a business buyer matches by email and phone only', async () => {
    const [biz] = await resolve('s3', [
      { companyName: 'GREENBELT LAWN CARE', phone: '+15125550130', address: at78708 },
    ]);
    const [again, other] = await resolve('s3', [
      { companyName: 'Greenbelt Lawn Care', phone: '+15125550130' },
      { companyName: 'GREENBELT LAWN CARE', address: at78708 },
    ]);
    expect(again!.customerId).toBe(biz!.customerId);
    expect(other).toBeNull(); // no strong key and no weak key: nothing to match on
  });
});

describe('resolveCustomers: the weak key', () => {
  it('the Garcias of 78708 stay apart; the same Garcia matches with medium confidence', async () => {
    const [michael, andres] = await resolve('w1', [
      { firstName: 'Michael', lastName: 'Garcia', email: 'mgarcia@x.com', address: at78708 },
      {
        firstName: 'Andres',
        lastName: 'Garcia',
        email: 'andres.garcia138@x.com',
        address: at78708,
      },
    ]);
    expect(andres!.customerId).not.toBe(michael!.customerId);
    const [mike] = await resolve('w1', [
      { firstName: 'MICHAEL', lastName: 'García', address: { postalCode: '78708' } },
    ]);
    expect(mike).toMatchObject({
      customerId: michael!.customerId,
      matchKey: 'namePostal',
      matchConfidence: 'medium',
    });
  });

  it('multi-word names keep their words; the weak key does not decide on a conflict', async () => {
    const addr = { postalCode: '10001' };
    const [jan] = await resolve('w2', [
      { firstName: 'Jan', lastName: 'van der Berg', email: 'jan@x.com', address: addr },
    ]);
    const [same, otherEmail, otherName] = await resolve('w2', [
      { firstName: 'jan', lastName: 'Van Der Berg', phone: '+12125550140', address: addr },
      { firstName: 'Jan', lastName: 'van der Berg', email: 'jan2@x.com', address: addr },
      { firstName: 'Jan', lastName: 'Berg', address: addr },
    ]);
    expect(same!.customerId).toBe(jan!.customerId);
    expect(otherEmail!.created).toBe(true);
    expect(otherName!.created).toBe(true);
    // Two customers now hold `jan|van der berg|10001`: the weak key no longer decides.
    const [ambiguous] = await resolve('w2', [
      { firstName: 'Jan', lastName: 'van der Berg', address: addr },
    ]);
    expect(ambiguous!.created).toBe(true);
  });

  it('a record sharing a strong key with anyone is not matched by the weak key', async () => {
    const addr = { postalCode: '30301' };
    const [lee] = await resolve('w3', [
      {
        firstName: 'Lee',
        lastName: 'Park',
        email: 'lee@x.com',
        phone: '+14045550150',
        address: addr,
      },
    ]);
    const [kim] = await resolve('w3', [
      { firstName: 'Kim', lastName: 'Park', email: 'kim@x.com', address: addr },
    ]);
    // Lee's phone with Kim's name: the phone is vetoed (first name), and the weak key (Kim) may
    // not decide because a strong key is known: a new customer.
    const [r] = await resolve('w3', [
      { firstName: 'Kim', lastName: 'Park', phone: '+14045550150', address: addr },
    ]);
    expect(r!.created).toBe(true);
    expect([lee!.customerId, kim!.customerId]).not.toContain(r!.customerId);
  });
});

describe('resolveCustomers: merges', () => {
  it('a record carrying two customers’ strong keys merges them into the older', async () => {
    const [byEmail] = await resolve('m1', [{ firstName: 'Sam', email: 'sam@x.com' }]);
    const [byPhone] = await resolve('m1', [{ phone: '+15125550160' }]);
    const { people, merges } = await resolveAll('m1', [
      { firstName: 'Sam', email: 'sam@x.com', phone: '+15125550160' },
    ]);
    expect(people[0]).toMatchObject({ customerId: byEmail!.customerId, matchKey: 'email' });
    expect(merges).toEqual([
      { loser: byPhone!.customerId, survivor: byEmail!.customerId, members: [] },
    ]);
    const [phoneNow] = await resolve('m1', [{ phone: '+15125550160' }]);
    expect(phoneNow!.customerId).toBe(byEmail!.customerId);
    const merged = await t.hub.redis.hget(t.hub.keys.identity('m1', 'merged'), byPhone!.customerId);
    expect(merged).toBe(byEmail!.customerId);
  });

  it('never merges customers whose first names conflict, even through a nameless record', async () => {
    const [john] = await resolve('m2', [{ firstName: 'John', email: 'j@x.com' }]);
    const [jane] = await resolve('m2', [{ firstName: 'Jane', phone: '+15125550170' }]);
    const { people, merges } = await resolveAll('m2', [
      { email: 'j@x.com', phone: '+15125550170' },
    ]);
    expect(merges).toEqual([]);
    expect(people[0]!.customerId).toBe(john!.customerId);
    expect(jane!.customerId).not.toBe(john!.customerId);
  });

  it('earlier records of the batch report the customer they ended on', async () => {
    const { people, merges } = await resolveAll('m3', [
      { email: 'c@x.com' },
      { phone: '+15125550180' },
      { phone: '+15125550180', email: 'c@x.com' },
    ]);
    expect(merges).toHaveLength(1);
    expect(new Set(people.map((p) => p!.customerId)).size).toBe(1);
  });

  it('concurrent batches naming the same new person agree on one customer', async () => {
    const batches = Array.from({ length: 8 }, (_, i) =>
      resolve('m4', [{ email: 'same@x.com', phone: `+1512555${String(1000 + i)}` }]),
    );
    const all = await Promise.all(batches);
    expect(new Set(all.map((r) => r[0]!.customerId)).size).toBe(1);
    expect(all.filter((r) => r[0]!.created)).toHaveLength(1);
  });
});
