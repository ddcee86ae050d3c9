// The identity on this device: enrolled or not, locked or unlocked. Wraps web/lib/enrollment.ts
// (which wraps keyprint/identity); components only read these fields and call these methods.
// The key pair itself is held in a private field, never in reactive state.
import {
  currentAuthenticator, decodeBundle, didKeyFromPublicKey, envelopeInfo, type AttestationTrust, type IdentityBundle, type IdentityKeyPair,
} from 'keyprint/identity';
import { fingerprintDigits, keyprintParty } from 'keyprint/sas';
import { groupDigits } from './bytes.js';
import type { Enrolled, KeysChanged } from './enrollment.js';
import { envelopeNames, ProfileStore, type StoredKey, type StoredProfile } from './profile-store.js';
import { webauthnProblem } from './webauthn.js';

export type IdentityPhase = 'loading' | 'none' | 'locked' | 'unlocked';

// Enrolling, unlocking and checking attestations (WebAuthn, certificates, key wrapping) are chunks of
// their own: the Identity screen shows before they load (docs/WEB.md "First load"). load() starts
// fetching the ceremony right away, so it is there by the time the user acts.
// keyprint/card (the name check, attestation verdicts) is imported the same way: statically, its
// barrel would bring the QR decoder and X.509 into the first load (test/web/size-budget.test.ts).
const ceremony = () => import('./enrollment.js').catch((e: unknown) => {
  throw new Error(`The code for creating and unlocking identities did not load (${(e as Error).message}). Reload the page when you are online.`);
});
const cards = () => import('keyprint/card').catch((e: unknown) => {
  throw new Error(`The code for checking names and attestations did not load (${(e as Error).message}). Reload the page when you are online.`);
});

const TRUST_TEXT: Record<string, string> = {
  'hardware-attested': 'Hardware-attested: the attestation chains to a vendor root keyprint ships, or one you trust (Settings).',
  'attested-unknown-vendor': 'Attested by an unknown vendor: the key signed its attestation with a certificate that chains to no root keyprint knows.',
  'self-attested': 'Self-attested: the key vouched for itself; the model cannot be confirmed.',
  unattested: 'Unattested: the key gave no attestation.',
};

export class IdentityState {
  phase = $state<IdentityPhase>('loading');
  /** What the user should do right now ("Touch your security key…"), while a request runs. */
  busy = $state<string | null>(null);
  error = $state<string | null>(null);
  profile = $state.raw<StoredProfile | null>(null);
  bundle = $state.raw<IdentityBundle | null>(null);
  /** Why security keys cannot be used on this page (null: they can). */
  readonly webauthnProblem = webauthnProblem();
  readonly webauthn = this.webauthnProblem === null;

  did = $derived(this.bundle ? didKeyFromPublicKey(this.bundle.identityPublicKey) : null);
  displayName = $derived(this.bundle?.displayName ?? null);
  /** This identity's 30-digit half of a safety number, in groups of five. */
  safetyHalf = $derived.by(() => {
    if (!this.bundle || !this.did) return null;
    const p = keyprintParty(this.bundle.identityPublicKey, this.did);
    return groupDigits(fingerprintDigits(p.publicKey, p.stableId));
  });
  /**
   * Today's verdict on the identity's attestation, re-checked with the trust store (Settings) — it
   * may differ from the one recorded at enrollment. null until checked.
   */
  attestationNow = $state.raw<{ trust: AttestationTrust; vendor?: string; model?: string } | { refused: string } | null>(null);
  /** The security keys that unlock the identity (the first key first). */
  keys = $derived<StoredKey[]>(this.profile?.keys ?? []);
  /** Which of them unlocked it this time (its index in `keys`), while unlocked. */
  unlockedWith = $state<number | null>(null);
  authenticator = $derived.by(() => {
    const recorded = this.profile?.keys?.[0]?.authenticator ?? null;
    const now = this.attestationNow;
    return recorded && now && !('refused' in now) ? currentAuthenticator(recorded, now) : recorded;
  });
  /** Why the identity's attestation is refused today (e.g. the imported FIDO metadata reports the model compromised). */
  attestationRefused = $derived(this.attestationNow && 'refused' in this.attestationNow ? this.attestationNow.refused : null);
  trustText = $derived(this.authenticator ? TRUST_TEXT[this.authenticator.trust] ?? this.authenticator.trust : null);
  weak = $derived(this.profile?.kind === 'passphrase');

  #store = new ProfileStore();
  /** Every key's envelope by key-store name (a passphrase identity's is "identity"). */
  #envelopes = new Map<string, Uint8Array>();
  #identity: IdentityKeyPair | null = null;

  /** The unlocked key pair (for signing in sessions); null while locked. */
  get keyPair(): IdentityKeyPair | null {
    return this.#identity;
  }

  async load(): Promise<void> {
    ceremony().catch(() => {}); // a failure shows when the user acts
    cards().catch(() => {});
    try {
      const stored = await this.#store.load();
      if (!stored) {
        this.phase = 'none';
        return;
      }
      for (const envelope of stored.envelopes.values()) envelopeInfo(envelope); // a damaged envelope fails here, not at unlock
      this.profile = stored.profile;
      this.bundle = decodeBundle(stored.profile.bundleBytes);
      this.#envelopes = stored.envelopes;
      this.phase = 'locked';
    } catch (e) {
      this.error = `Could not read the identity stored in this browser: ${(e as Error).message}`;
      this.phase = 'none';
    }
  }

  /** Re-checks the stored attestation with the trust store now in effect (after a change in Settings). */
  async recheckTrust(): Promise<void> {
    const bundle = this.bundle, credential = this.profile?.keys?.[0];
    if (!bundle || !credential) {
      this.attestationNow = null;
      return;
    }
    const { checkBundleAttestation } = await cards();
    const r = await checkBundleAttestation(bundle, { registrationClientDataJSON: credential.registrationClientDataJSON });
    if (bundle !== this.bundle) return; // the identity changed meanwhile
    this.attestationNow = r.ok ? { trust: r.verdict.trust, vendor: r.verdict.vendor, model: r.verdict.model } : { refused: r.reason };
  }

  async #run(message: string, f: () => Promise<void>): Promise<void> {
    this.error = null;
    this.busy = message;
    try {
      await f();
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.busy = null;
    }
  }

  async #adopt(e: Enrolled): Promise<void> {
    let profile: StoredProfile;
    try {
      profile = await this.#store.create(e.profile, e.envelope);
    } catch (err) {
      e.identity.destroy();
      throw err;
    }
    this.#identity?.destroy();
    this.#identity = e.identity;
    this.#envelopes = new Map([[envelopeNames(profile)[0], e.envelope]]);
    this.unlockedWith = profile.keys ? 0 : null;
    this.profile = profile;
    this.bundle = e.bundle;
    this.attestationNow = null;
    this.phase = 'unlocked';
  }

  enroll(displayName: string): Promise<void> {
    return this.#run('Touch your security key to create a credential (1 of 2)…', async () => {
      (await cards()).checkPrintable(displayName); // before the key is touched: a name the card cannot print is said now
      const e = await (await ceremony()).enrollWithSecurityKey({
        displayName,
        onStep: (step) => {
          this.busy = step === 'create' ? 'Touch your security key to create a credential (1 of 2)…'
            : step === 'bind' ? 'Touch your security key again to bind it to your identity (2 of 2)…'
            : 'Sealing your identity key…';
        },
      });
      await this.#adopt(e);
    });
  }

  createWithPassphrase(displayName: string, passphrase: string): Promise<void> {
    return this.#run('Deriving a key from your passphrase…', async () => {
      (await cards()).checkPrintable(displayName);
      if (passphrase.length < 12) throw new Error('Use a passphrase of at least 12 characters (several random words work well).');
      await this.#adopt(await (await ceremony()).createWithPassphrase({ displayName, passphrase }));
    });
  }

  unlock(): Promise<void> {
    return this.#run(this.keys.length > 1 ? 'Touch one of your security keys to unlock…' : 'Touch your security key to unlock…', async () => {
      const profile = this.profile;
      if (!profile) throw new Error('No identity is stored in this browser.');
      const r = await (await ceremony()).unlockWithSecurityKey(profile, this.#envelopes);
      this.#identity = r.identity;
      this.unlockedWith = this.keys.indexOf(r.key);
      this.phase = 'unlocked';
      // A version-1 envelope was re-made as version 2 in the same touch: store it (the old one keeps working if this fails).
      if (r.upgraded) await this.#storeKeys({ profile, envelopes: new Map([[r.key.envelope, r.upgraded]]) }).catch(() => {});
    });
  }

  unlockWithPassphrase(passphrase: string): Promise<void> {
    return this.#run('Checking your passphrase…', async () => {
      const envelope = this.profile && this.#envelopes.get(envelopeNames(this.profile)[0]);
      if (!this.profile || !envelope) throw new Error('No identity is stored in this browser.');
      this.#identity = await (await ceremony()).unlockWithPassphrase(this.profile, envelope, passphrase);
      this.phase = 'unlocked';
    });
  }

  /** Stores a changed key list (and envelopes), then shows it. */
  async #storeKeys(change: Pick<KeysChanged, 'profile' | 'envelopes'> & { bundle?: IdentityBundle }): Promise<void> {
    const envelopes = new Map(this.#envelopes);
    for (const [name, envelope] of change.envelopes) envelopes.set(name, envelope);
    for (const name of envelopes.keys()) if (!change.profile.keys?.some((k) => k.envelope === name)) envelopes.delete(name);
    await this.#store.update(change.profile, envelopes);
    this.#envelopes = envelopes;
    this.profile = change.profile;
    if (change.bundle) {
      this.bundle = change.bundle;
      this.attestationNow = null;
    }
  }

  /** Adds a security key (two touches on the new key); the identity must be unlocked. */
  addKey(): Promise<void> {
    return this.#run('Plug in the new security key and touch it to create a credential (1 of 2)…', async () => {
      if (!this.#identity || !this.profile) throw new Error('Unlock your identity first: adding a key wraps its secret for the new key too.');
      const change = await (await ceremony()).addSecurityKey({
        identity: this.#identity, profile: this.profile,
        onStep: (step) => {
          this.busy = step === 'create' ? 'Plug in the new security key and touch it to create a credential (1 of 2)…'
            : step === 'bind' ? 'Touch the new security key again to bind it to your identity (2 of 2)…'
            : 'Sealing your identity key for the new key…';
        },
      });
      await this.#storeKeys(change);
    });
  }

  /** Removes a security key (not the last one); the identity must be unlocked. */
  removeKey(credentialId: Uint8Array): Promise<void> {
    return this.#run('Removing the security key…', async () => {
      if (!this.#identity || !this.profile) throw new Error('Unlock your identity first: removing a key re-signs your identity bundle.');
      const before = this.unlockedWith !== null ? this.keys[this.unlockedWith] : null;
      await this.#storeKeys((await ceremony()).removeSecurityKey({ identity: this.#identity, profile: this.profile, credentialId }));
      this.unlockedWith = before ? this.keys.findIndex((k) => k.envelope === before.envelope) : null;
      if (this.unlockedWith === -1) this.unlockedWith = null;
    });
  }

  /** Registers work that must happen before the key is wiped (e.g. ending a session that uses it). */
  onBeforeLock(fn: () => void): void {
    this.#beforeLock.push(fn);
  }
  #beforeLock: Array<() => void> = [];

  lock(): void {
    for (const fn of this.#beforeLock) fn();
    this.#identity?.destroy();
    this.#identity = null;
    this.unlockedWith = null;
    if (this.profile) this.phase = 'locked';
  }

  /** Deletes the identity from this browser (the security key's credential stays on the key). */
  forget(): Promise<void> {
    return this.#run('Removing…', async () => {
      await this.#store.clear();
      this.lock();
      this.profile = null;
      this.bundle = null;
      this.attestationNow = null;
      this.#envelopes = new Map();
      this.phase = 'none';
    });
  }
}
