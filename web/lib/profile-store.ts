// Where the app keeps the enrolled identity between visits. The wrapped seed (an envelope) lives in
// the library's BrowserKeyStore (IndexedDB "keyprint", store "keys", name "identity"); the public
// part — the signed bundle and the credential record (which credential unlocks it, what the
// authenticator is) — lives next to it in IndexedDB "keyprint-web", store "profile". Nothing here is secret.
// Creating an identity never replaces one (issue 18 item 6): a stale tab that still shows "no
// identity" must not overwrite the one another tab created. The envelope goes under a fresh name
// first (overwriting nothing), then the record is added in a transaction that checks, inside it,
// that no record exists; if one does, the new envelope is deleted and nothing else changed.
import { BrowserKeyStore } from 'keyprint/identity';
import type { AuthenticatorSummary } from 'keyprint/identity';
import { req, run, tx } from './db.js';
import { hex } from './record-codec.js';

/** The envelope's name for records written before `keyName` existed. */
export const IDENTITY_KEY_NAME = 'identity';
const KEY = 'identity';

/** Creating an identity where one is already stored (`identity-exists`). */
export class IdentityExistsError extends Error {
  readonly code = 'identity-exists';
  constructor() {
    super('An identity is already stored in this browser (created in another tab?): nothing was replaced. Reload to use it, or remove it first to create another.');
    this.name = 'IdentityExistsError';
  }
}

export type { AuthenticatorSummary };

/** The public record of an enrolled identity. */
export interface StoredProfile {
  version: 1;
  /** `prf`: unlocked by a security key; `passphrase`: the weaker fallback. */
  kind: 'prf' | 'passphrase';
  bundleBytes: Uint8Array;
  enrolledAt: number;
  /** The envelope's name in the key store (absent: `identity`, records from before it was per identity). */
  keyName?: string;
  credential?: {
    rpId: string;
    credentialId: Uint8Array;
    transports: string[];
    prfInput: string;
    userVerified: boolean;
    /** The registration clientDataJSON the attestation signs (kept so the attestation can be re-verified). */
    registrationClientDataJSON: Uint8Array;
    authenticator: AuthenticatorSummary;
  };
}

/** Reads and writes the identity's envelope and public record. */
export class ProfileStore {
  readonly keys = new BrowserKeyStore();

  async load(): Promise<{ profile: StoredProfile; envelope: Uint8Array } | undefined> {
    const profile = await run('profile', 'readonly', (s) => s.get(KEY)) as StoredProfile | undefined;
    if (!profile || profile.version !== 1) return undefined;
    const envelope = await this.keys.get(profile.keyName ?? IDENTITY_KEY_NAME);
    if (!envelope) return undefined;
    return { profile, envelope };
  }

  /**
   * Stores a new identity; never replaces one.
   * @throws IdentityExistsError when a record is already stored (nothing is changed)
   */
  async create(profile: StoredProfile, envelope: Uint8Array): Promise<StoredProfile> {
    const keyName = `identity-${hex(crypto.getRandomValues(new Uint8Array(8)))}`;
    const record: StoredProfile = { ...profile, keyName };
    await this.keys.put(keyName, envelope);
    try {
      await tx('profile', 'readwrite', async (s) => {
        if ((await req(s.getKey(KEY))) !== undefined) throw new IdentityExistsError();
        await req(s.add(record, KEY));
      });
    } catch (e) {
      await this.keys.delete(keyName).catch(() => undefined);
      throw e;
    }
    return record;
  }

  async clear(): Promise<void> {
    const profile = await run('profile', 'readonly', (s) => s.get(KEY)) as StoredProfile | undefined;
    await run('profile', 'readwrite', (s) => s.delete(KEY));
    await this.keys.delete(profile?.keyName ?? IDENTITY_KEY_NAME);
  }
}
