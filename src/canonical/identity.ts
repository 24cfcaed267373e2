/** Identity keys live with identity resolution; re-exported here for the canonical model's users. */
export { identityKeys, type IdentityKeys } from '../identity/keys.ts';
