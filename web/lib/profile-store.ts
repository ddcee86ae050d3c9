// Where the app keeps the enrolled identity between visits. The wrapped seed (an envelope) lives in
// the library's BrowserKeyStore (IndexedDB "keyprint", store "keys", name "identity"); the public
// part — the signed bundle and the credential record (which credential unlocks it, what the
// authenticator is) — lives next to it in IndexedDB "keyprint-web", store "profile". Nothing here is secret.
import { BrowserKeyStore } from 'keyprint/identity';
import type { AuthenticatorSummary } from 'keyprint/identity';
import { run } from './db.js';

export const IDENTITY_KEY_NAME = 'identity';
const KEY = 'identity';

export type { AuthenticatorSummary };

/** The public record of an enrolled identity. */
export interface StoredProfile {
  version: 1;
  /** `prf`: unlocked by a security key; `passphrase`: the weaker fallback. */
  kind: 'prf' | 'passphrase';
  bundleBytes: Uint8Array;
  enrolledAt: number;
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
    const envelope = await this.keys.get(IDENTITY_KEY_NAME);
    if (!envelope) return undefined;
    return { profile, envelope };
  }

  /** Envelope first, record second: the record's presence means "enrolled". */
  async save(profile: StoredProfile, envelope: Uint8Array): Promise<void> {
    await this.keys.put(IDENTITY_KEY_NAME, envelope);
    await run('profile', 'readwrite', (s) => s.put(profile, KEY));
  }

  async clear(): Promise<void> {
    await run('profile', 'readwrite', (s) => s.delete(KEY));
    await this.keys.delete(IDENTITY_KEY_NAME);
  }
}
