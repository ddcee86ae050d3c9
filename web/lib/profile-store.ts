// Where the app keeps the enrolled identity between visits. The wrapped seed (an envelope per
// security key) lives in the library's BrowserKeyStore (IndexedDB "keyprint", store "keys": "identity"
// for the first key, "identity-<hash>" for keys added later); the public part — the signed bundle
// and one record per key (which credential, its UV at enrollment, what the authenticator is) — lives
// next to it in IndexedDB "keyprint-web", store "profile". Nothing here is secret.
// Creating an identity never replaces one (issue 18 item 6): a stale tab that still shows "no
// identity" must not overwrite the one another tab created. The envelope goes under a fresh name
// first (overwriting nothing), then the record is added in a transaction that checks, inside it,
// that no record exists; if one does, the new envelope is deleted and nothing else changed.
import { BrowserKeyStore } from 'keyprint/identity';
import type { AuthenticatorSummary } from 'keyprint/identity';
import { req, run, tx } from './db.js';
import { hex } from './record-codec.js';

/** The envelope's name in records written before envelopes were named per identity. */
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

/** One security key that unlocks the identity. */
export interface StoredKey {
  rpId: string;
  credentialId: Uint8Array;
  transports: string[];
  /** Whether the enrollment's PRF output came with user verification: unlocking asks for exactly that. */
  userVerified: boolean;
  /** The registration clientDataJSON the attestation signs (kept so the attestation can be re-verified). */
  registrationClientDataJSON: Uint8Array;
  authenticator: AuthenticatorSummary;
  /** When this key was added (ms since the epoch). */
  enrolledAt: number;
  /** Its envelope's name in the key store. */
  envelope: string;
}

/** The public record of an enrolled identity (version 2: a list of keys). */
export interface StoredProfile {
  version: 2;
  /** `prf`: unlocked by a security key; `passphrase`: the weaker fallback. */
  kind: 'prf' | 'passphrase';
  bundleBytes: Uint8Array;
  enrolledAt: number;
  /** kind `prf`: every key, in the bundle's order (the first key, then those added later). */
  keys?: StoredKey[];
  /** kind `passphrase`: its envelope's name (absent: `identity`). */
  keyName?: string;
}

/** The key-store names of a profile's envelopes: one per key, or the passphrase envelope's. */
export function envelopeNames(profile: StoredProfile): string[] {
  return profile.keys?.map((k) => k.envelope) ?? [profile.keyName ?? IDENTITY_KEY_NAME];
}

/** The version-1 record (one credential, the fixed PRF input), as written before several keys. */
interface ProfileV1 {
  version: 1;
  kind: 'prf' | 'passphrase';
  bundleBytes: Uint8Array;
  enrolledAt: number;
  /** The envelope's name (absent in the first version-1 records: `identity`). */
  keyName?: string;
  credential?: Omit<StoredKey, 'envelope' | 'enrolledAt'> & { prfInput: string };
}

/** A version-1 record read as version 2: its one envelope keeps its name. */
function upgrade(p: ProfileV1): StoredProfile {
  const envelope = p.keyName ?? IDENTITY_KEY_NAME;
  if (!p.credential) return { version: 2, kind: p.kind, bundleBytes: p.bundleBytes, enrolledAt: p.enrolledAt, keyName: envelope };
  const { prfInput: _fixed, ...key } = p.credential;
  return { version: 2, kind: p.kind, bundleBytes: p.bundleBytes, enrolledAt: p.enrolledAt, keys: [{ ...key, enrolledAt: p.enrolledAt, envelope }] };
}

/** Reads and writes the identity's envelopes and public record. */
export class ProfileStore {
  readonly keys = new BrowserKeyStore();

  /** The record (version 1 read as 2) and every key's envelope by name (`identity` for a passphrase identity). */
  async load(): Promise<{ profile: StoredProfile; envelopes: Map<string, Uint8Array> } | undefined> {
    const stored = await run('profile', 'readonly', (s) => s.get(KEY)) as StoredProfile | ProfileV1 | undefined;
    if (!stored || (stored.version !== 1 && stored.version !== 2)) return undefined;
    const profile = stored.version === 1 ? upgrade(stored) : stored;
    const envelopes = new Map<string, Uint8Array>();
    for (const name of envelopeNames(profile)) {
      const envelope = await this.keys.get(name);
      if (!envelope) return undefined;
      envelopes.set(name, envelope);
    }
    return { profile, envelopes };
  }

  /**
   * Stores a new identity (one envelope: its first key's, or the passphrase one) under a fresh
   * name; never replaces one.
   * @returns the record as stored (with the envelope's name)
   * @throws IdentityExistsError when a record is already stored (nothing is changed)
   */
  async create(profile: StoredProfile, envelope: Uint8Array): Promise<StoredProfile> {
    const name = `${IDENTITY_KEY_NAME}-${hex(crypto.getRandomValues(new Uint8Array(8)))}`;
    const record: StoredProfile = profile.keys
      ? { ...profile, keys: profile.keys.map((k, i) => (i === 0 ? { ...k, envelope: name } : k)) }
      : { ...profile, keyName: name };
    await this.keys.put(name, envelope);
    try {
      await tx('profile', 'readwrite', async (s) => {
        if ((await req(s.getKey(KEY))) !== undefined) throw new IdentityExistsError();
        await req(s.add(record, KEY));
      });
    } catch (e) {
      await this.keys.delete(name).catch(() => undefined);
      throw e;
    }
    return record;
  }

  /**
   * A changed key list (a key added or removed, an envelope upgraded): the envelopes first, then
   * the record (it decides which keys exist), then the envelopes it no longer lists.
   */
  async update(profile: StoredProfile, envelopes: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const listed = new Set(envelopeNames(profile));
    for (const [name, envelope] of envelopes) if (listed.has(name)) await this.keys.put(name, envelope);
    await run('profile', 'readwrite', (s) => s.put(profile, KEY));
    for (const name of await this.keys.list()) {
      if ((name === IDENTITY_KEY_NAME || name.startsWith(`${IDENTITY_KEY_NAME}-`)) && !listed.has(name)) await this.keys.delete(name);
    }
  }

  async clear(): Promise<void> {
    await run('profile', 'readwrite', (s) => s.delete(KEY));
    for (const name of await this.keys.list()) {
      if (name === IDENTITY_KEY_NAME || name.startsWith(`${IDENTITY_KEY_NAME}-`)) await this.keys.delete(name);
    }
  }
}
