import type { Redis } from 'ioredis';

import type { Contact } from '../canonical/index.ts';
import { newRecordId } from '../records/ids.ts';
import type { Keys } from '../store/keys.ts';
import { identityKeys, type IdentityKeys } from './keys.ts';
import { MsgpackWriter, ProfileWriter, type IdentityProfile } from './profile-writer.ts';
import { RESOLVE_SCRIPT } from './resolve-script.ts';

/** Which identity key matched a record to its customer. */
export type MatchKey = 'email' | 'phone' | 'namePostal';
/** How sure a match is: `high` by a strong key (email, phone), `medium` by the weak key. */
export type MatchConfidence = 'high' | 'medium';

/** A resolved person: the customer id and whether this batch created it. */
export interface ResolvedCustomer {
  customerId: string;
  created: boolean;
  /** Which identity key matched, null when the record made a new customer. */
  matchKey: MatchKey | null;
  /** Confidence of the match, null when the record made a new customer. */
  matchConfidence: MatchConfidence | null;
}

/** A merge the batch caused: `loser` was merged into `survivor` (the older customer). */
export interface CustomerMerge {
  loser: string;
  survivor: string;
  /** The loser's records (`<entity>:<id>`), now the survivor's: they need re-pointing. */
  members: string[];
}

const HOW: readonly (MatchKey | null)[] = [null, 'email', 'phone', 'namePostal'];

/** The confidence of a match key. */
export const confidenceOf = (k: MatchKey | null): MatchConfidence | null =>
  k === null ? null : k === 'namePostal' ? 'medium' : 'high';

type ResolveRedis = Redis & {
  resolveIdentity(n: number, ...args: (string | number | Buffer)[]): Promise<ScriptReply>;
};
type ScriptReply = [(string | number)[], string[][]];

/** A new customer id. */
export const newCustomerId = () => newRecordId('customer');

/** The identity index keys of a tenant, in the script's KEYS order. */
export const identityIndexKeys = (k: Keys, tenantId: string): string[] =>
  ['email', 'phone', 'np', 'prof', 'merged'].map((kind) => k.identity(tenantId, kind));

const one = (v: string | undefined): string[] => (v ? [v] : []);

/**
 * The identity profile a contact gives the customer it creates (resolve-script.ts, KEYS[4]):
 * created at `now`, with the contact's own keys (`phones` has no repeats: identityKeys).
 */
function newProfile(ids: IdentityKeys, now: number): IdentityProfile {
  return {
    t: now,
    e: one(ids.email),
    p: ids.phones,
    f: one(ids.firstName),
    w: one(ids.namePostal),
  };
}

/**
 * Resolves contacts to customers (README "Identity rules"), creating customers for people not
 * seen before and merging customers a contact proves to be one person, in one atomic command per
 * batch. Contacts without any identity key resolve to null (nothing to match on). `proposed`
 * gives the id a new customer takes (default: a fresh id); `now` is the time identity profiles
 * record (a rebuild passes the archived page's time).
 */
export async function resolveCustomers(
  redis: Redis,
  k: Keys,
  tenantId: string,
  contacts: readonly (Contact | undefined)[],
  proposed?: (i: number) => string,
  now = Date.now(),
): Promise<{ people: (ResolvedCustomer | null)[]; merges: CustomerMerge[] }> {
  const sent: number[] = []; // index of each contact sent, in order
  const keys: IdentityKeys[] = [];
  contacts.forEach((c, i) => {
    if (!c) return;
    const ids = identityKeys(c);
    if (!ids.email && !ids.phones.length && !ids.namePostal) return;
    keys.push(ids);
    sent.push(i);
  });
  const people: (ResolvedCustomer | null)[] = contacts.map(() => null);
  if (sent.length === 0) return { people, merges: [] };
  // The script's ARGV[1], flat, 8 items per contact: proposed id, email, two phones, weak key,
  // first name, first and last byte of its profile in ARGV[4]; written straight into MessagePack.
  const profiles = new ProfileWriter();
  const args = new MsgpackWriter();
  args.array(sent.length * 8);
  sent.forEach((ci, j) => {
    const ids = keys[j]!;
    // identityKeys gives at most `phone` and `mobilePhone`; more would not fit the two items.
    if (ids.phones.length > 2) throw new Error('a contact has more than two identity phones');
    const [from, to] = profiles.add(newProfile(ids, now));
    args.str(proposed?.(ci) ?? newCustomerId());
    args.str(ids.email ?? '');
    args.str(ids.phones[0] ?? '');
    args.str(ids.phones[1] ?? '');
    args.str(ids.namePostal ?? '');
    args.str(ids.firstName ?? '');
    args.uint(from);
    args.uint(to);
  });
  if (!('resolveIdentity' in redis))
    redis.defineCommand('resolveIdentity', { lua: RESOLVE_SCRIPT });
  const [out, merged] = await (redis as ResolveRedis).resolveIdentity(
    5,
    ...identityIndexKeys(k, tenantId),
    args.bytes(),
    now,
    k.customerRecords(tenantId, ''),
    profiles.bytes(),
  );
  sent.forEach((ci, j) => {
    const matchKey = HOW[Number(out[j * 2 + 1])] ?? null;
    people[ci] = {
      customerId: String(out[j * 2]),
      created: matchKey === null,
      matchKey,
      matchConfidence: confidenceOf(matchKey),
    };
  });
  const merges = merged.map(([loser, survivor, ...members]) => ({
    loser: loser!,
    survivor: survivor!,
    members,
  }));
  return { people, merges };
}
