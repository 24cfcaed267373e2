import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resolveCustomers } from '../../src/identity/resolve.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t.cleanup());

const resolve = (tenant: string, contacts: Parameters<typeof resolveCustomers>[3]) =>
  resolveCustomers(t.hub.redis, t.hub.keys, tenant, contacts);

describe('resolveCustomers', () => {
  it('creates a customer per new person and finds them again by any of their keys', async () => {
    const [ann, bob, none] = await resolve('t1', [
      { email: 'Ann@X.com', phone: '+15125550101' },
      { lastName: "O'Neil", address: { postalCode: '48127-1398' } },
      {},
    ]);
    expect(ann).toMatchObject({ created: true, matchedBy: null });
    expect(bob).toMatchObject({ created: true, matchedBy: null });
    expect(none).toBeNull();
    expect(ann!.customerId).not.toBe(bob!.customerId);
    const again = await resolve('t1', [
      { phone: '+15125550101' },
      { email: 'ann@x.com' },
      { lastName: 'ONeil', address: { postalCode: '48127' } },
      undefined,
    ]);
    expect(again[0]).toEqual({ customerId: ann!.customerId, created: false, matchedBy: 'phone' });
    expect(again[1]).toEqual({ customerId: ann!.customerId, created: false, matchedBy: 'email' });
    expect(again[2]).toEqual({
      customerId: bob!.customerId,
      created: false,
      matchedBy: 'namePostal',
    });
    expect(again[3]).toBeNull();
  });

  it('trusts email over phone, and gives a known person their new keys', async () => {
    const [a] = await resolve('t2', [{ email: 'a@x.com' }]);
    const [b] = await resolve('t2', [{ phone: '+15125550102' }]);
    // Email says a, phone says b: email is trusted first.
    const [both] = await resolve('t2', [{ email: 'a@x.com', phone: '+15125550102' }]);
    expect(both!.customerId).toBe(a!.customerId);
    // The phone stays b's (first claim wins); a new key of a known person becomes theirs.
    const [byPhone] = await resolve('t2', [{ phone: '+15125550102' }]);
    expect(byPhone!.customerId).toBe(b!.customerId);
    await resolve('t2', [{ email: 'a@x.com', phone: '+15125550199' }]);
    const [byNewPhone] = await resolve('t2', [{ phone: '+15125550199' }]);
    expect(byNewPhone!.customerId).toBe(a!.customerId);
  });

  it('one person twice in a batch is one customer', async () => {
    const [first, second, third] = await resolve('t3', [
      { email: 'c@x.com' },
      { email: 'other@x.com', phone: '+15125550103' },
      { phone: '+15125550103', email: 'c@x.com' },
    ]);
    expect(first!.created).toBe(true);
    expect(third).toEqual({ customerId: first!.customerId, created: false, matchedBy: 'email' });
    expect(second!.customerId).not.toBe(first!.customerId);
  });

  it('concurrent batches naming the same new person agree on one customer', async () => {
    const batches = Array.from({ length: 8 }, (_, i) =>
      resolve('t4', [{ email: 'same@x.com', phone: `+1512555${String(1000 + i)}` }]),
    );
    const ids = new Set((await Promise.all(batches)).map((r) => r[0]!.customerId));
    expect(ids.size).toBe(1);
    const created = (await Promise.all(batches)).filter((r) => r[0]!.created);
    expect(created).toHaveLength(1);
  });
});
