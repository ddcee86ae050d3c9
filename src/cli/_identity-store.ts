// The CLI's store of the enrolled identity: its home directory (the enrollment layer, src/enroll/,
// does no I/O of its own; this is where the CLI keeps what it returns):
//   HOME/identity.bundle      the signed bundle (canonical CBOR): every key's binding
//   HOME/credential.json      which credentials unlock it, what each authenticator is (no secrets)
//   HOME/keys/identity.kpw    the seed wrapped for the first key; keys/identity-<hash>.kpw for the others
// Directories 0700, files 0600, every file written atomically (temp file → fsync → rename).

import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyprintError } from '../errors.js';
import { equalBytes, fromBase64url, toBase64url } from '../core/bytes.js';
import { writeFileAtomic } from '../core/atomic-file-node.js';
import { MAX_BINDINGS, bundleBindings, decodeBundle, type IdentityBundle } from '../identity/bundle.js';
import { NodeKeyStore } from '../identity/key-store-node.js';
import { V1_PRF_INPUT, envelopeInfo } from '../identity/wrap.js';
import {
  EnrollError, IDENTITY_KEY_NAME, unlockWithKey,
  type AuthenticatorSummary, type CredentialRecord, type EnrolledIdentity, type EnrolledKey, type Enrollment, type KeyChange, type Unlocked,
} from '../enroll/index.js';

/** File names inside the home directory (`envelope`: the first key's). */
export const HOME_FILES = { bundle: 'identity.bundle', credential: 'credential.json', envelope: `keys/${IDENTITY_KEY_NAME}.kpw` } as const;

const b64 = toBase64url;

/** credential.json version 2: `{ version: 2, keys: [ … ] }`, in the bundle's order. */
function credentialsToJson(keys: readonly EnrolledKey[]): string {
  return JSON.stringify({
    version: 2,
    keys: keys.map(({ credential: c }) => ({
      rpId: c.rpId, credentialId: b64(c.credentialId), userVerified: c.userVerified, registrationClientDataJSON: b64(c.registrationClientDataJSON),
      authenticator: c.authenticator, enrolledAt: c.enrolledAt, envelope: c.envelopeName,
    })),
  }, null, 2) + '\n';
}

/**
 * Reads credential.json: version 2 (a list of keys), or version 1 (one key, written before several
 * keys and per-enrollment PRF inputs: its envelope is `identity` and its PRF input the fixed one).
 */
function credentialsFromJson(text: string, path: string): CredentialRecord[] {
  const bad = (why: string) => new EnrollError('home-corrupt', `${path} ${why}`);
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw bad('is not JSON');
  }
  if (typeof o !== 'object' || o === null || (o.version !== 1 && o.version !== 2)) throw bad('expected version 1 or 2');
  if (o.version === 1) {
    // Version 1 named the PRF input; the only one ever written is the one version-1 envelopes use.
    if (o.prfInput !== V1_PRF_INPUT) throw bad(`expected prfInput "${V1_PRF_INPUT}", got ${JSON.stringify(o.prfInput)}`);
    return [credentialFromJson({ ...o, envelope: IDENTITY_KEY_NAME }, bad)];
  }
  if (!Array.isArray(o.keys) || o.keys.length < 1 || o.keys.length > MAX_BINDINGS) throw bad(`field "keys" expected 1 to ${MAX_BINDINGS} keys`);
  return o.keys.map((k: unknown) => credentialFromJson(k, bad));
}

function credentialFromJson(v: unknown, bad: (why: string) => EnrollError): CredentialRecord {
  if (typeof v !== 'object' || v === null) throw bad('expected a key record');
  const o = v as Record<string, unknown>;
  const bytes = (k: string) => {
    const x = o[k];
    try {
      return fromBase64url(x as string);
    } catch {
      throw bad(`field "${k}" expected base64url bytes`);
    }
  };
  const a = o.authenticator as Record<string, unknown> | undefined;
  if (typeof o.rpId !== 'string' || typeof o.userVerified !== 'boolean' || typeof o.enrolledAt !== 'number' || typeof o.envelope !== 'string'
    || typeof a !== 'object' || a === null || typeof a.model !== 'string' || typeof a.trust !== 'string') {
    throw bad('is missing fields');
  }
  return {
    rpId: o.rpId, credentialId: bytes('credentialId'), userVerified: o.userVerified, registrationClientDataJSON: bytes('registrationClientDataJSON'),
    enrolledAt: o.enrolledAt, authenticator: a as unknown as AuthenticatorSummary, envelopeName: o.envelope,
  };
}

async function ensureHome(home: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await chmod(home, 0o700);
}

/**
 * Writes a new enrollment into `home` (0700), replacing what was there: its one key's envelope,
 * `credential.json`, then `identity.bundle`. See writeKeys.
 * @param home the home directory (created if missing)
 * @param e the enrollment
 * @returns the paths written
 * @throws IdentityError `key-store-*`; EnrollError `home-io`
 * @example await writeEnrollment(resolveHome(), await enroll({ ctap, displayName: 'Ada' }))
 */
export async function writeEnrollment(home: string, e: Pick<Enrollment, 'bundleBytes' | 'envelope' | 'credential'>): Promise<{ bundle: string; credential: string; envelope: string }> {
  const bundle = decodeBundle(e.bundleBytes);
  await writeKeys(home, { bundle, bundleBytes: e.bundleBytes, keys: [{ credential: e.credential, envelope: e.envelope }] });
  return { bundle: join(home, HOME_FILES.bundle), credential: join(home, HOME_FILES.credential), envelope: join(home, 'keys', `${e.credential.envelopeName}.kpw`) };
}

/**
 * Writes an identity's keys into `home` (0700): each key's envelope, then `credential.json`, then
 * `identity.bundle` — the bundle last, since it decides which keys exist (readEnrollment ignores
 * records the bundle does not list, so an interrupted write leaves a working home) — then deletes
 * the envelopes of keys no longer listed. Each file 0600, atomic.
 * @param home the home directory (created if missing)
 * @param change the bundle and every key, in the bundle's order
 * @throws IdentityError `key-store-*`; EnrollError `home-io`
 * @example await writeKeys(home, await addKey({ ctap, enrolled, identity }))
 */
export async function writeKeys(home: string, change: KeyChange): Promise<void> {
  const store = new NodeKeyStore({ home });
  try {
    await ensureHome(home);
    for (const k of change.keys) await store.put(k.credential.envelopeName, k.envelope);
    await writeFileAtomic(join(home, HOME_FILES.credential), credentialsToJson(change.keys));
    await writeFileAtomic(join(home, HOME_FILES.bundle), change.bundleBytes);
    const kept = new Set(change.keys.map((k) => k.credential.envelopeName));
    for (const name of await store.list()) {
      if ((name === IDENTITY_KEY_NAME || name.startsWith(`${IDENTITY_KEY_NAME}-`)) && !kept.has(name)) await store.delete(name);
    }
  } catch (err) {
    if (err instanceof KeyprintError) throw err;
    throw new EnrollError('home-io', `could not write the identity to ${home}: ${(err as Error).message}`, { cause: err });
  }
}

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    const st = await stat(path);
    // Public data, but a file others can change could swap in another identity or credential.
    if (process.platform !== 'win32' && (st.mode & 0o022) !== 0) {
      throw new EnrollError('home-corrupt', `${path} is writable by others (mode 0${(st.mode & 0o777).toString(8)}); expected 0600`);
    }
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (e instanceof KeyprintError) throw e;
    throw new EnrollError('home-io', `could not read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads the identity enrolled in `home` (no device needed); the bundle's signature is checked, and
 * every key the bundle lists must have its record and its envelope.
 * @param home the home directory
 * @returns the enrolled identity, or undefined when `home` has no `identity.bundle`
 * @throws EnrollError `home-corrupt` (a missing or damaged file, or files that do not belong
 *   together); IdentityError `bundle-*`, `key-store-*`
 * @example const enrolled = await readEnrollment(home); if (!enrolled) console.log('run keyprint enroll')
 */
export async function readEnrollment(home: string): Promise<EnrolledIdentity | undefined> {
  const bundlePath = join(home, HOME_FILES.bundle);
  const bundleBytes = await readIfPresent(bundlePath);
  if (!bundleBytes) return undefined;
  let bundle: IdentityBundle;
  try {
    bundle = decodeBundle(bundleBytes);
  } catch (e) {
    if (e instanceof KeyprintError) throw new EnrollError('home-corrupt', `${bundlePath} is not a valid bundle: ${e.message}`, { cause: e });
    throw e;
  }
  const credentialPath = join(home, HOME_FILES.credential);
  const credentialBytes = await readIfPresent(credentialPath);
  if (!credentialBytes) throw new EnrollError('home-corrupt', `${credentialPath} is missing`);
  const records = credentialsFromJson(new TextDecoder().decode(credentialBytes), credentialPath);
  const bindings = bundleBindings(bundle);
  if (bindings.length === 0) throw new EnrollError('home-corrupt', `${bundlePath} has no hardware binding, so no security key unlocks it`);
  const store = new NodeKeyStore({ home });
  const keys: EnrolledKey[] = [];
  for (const b of bindings) {
    // The bundle decides which keys exist; a record it does not list is left from an interrupted change.
    const credential = records.find((r) => r.rpId === b.rpId && equalBytes(r.credentialId, b.credentialId));
    if (!credential) throw new EnrollError('home-corrupt', `${credentialPath} names another credential than ${bundlePath} (${b64(b.credentialId)})`);
    const envelope = await store.get(credential.envelopeName);
    if (!envelope) throw new EnrollError('home-corrupt', `${join(home, 'keys', `${credential.envelopeName}.kpw`)} is missing`);
    const uv = envelopeInfo(envelope).userVerified;
    if (uv !== undefined && uv !== credential.userVerified) {
      throw new EnrollError('home-corrupt', `${credentialPath} says the key ${b64(b.credentialId)} was enrolled ${credential.userVerified ? 'with' : 'without'} a PIN, its envelope says otherwise`);
    }
    keys.push({ credential, envelope });
  }
  return { home, bundle, bundleBytes, keys };
}

/** An unlock from the home: as unlockWithKey, with a version-1 envelope's upgrade stored. */
export interface HomeUnlocked extends Omit<Unlocked, 'upgrade'> {
  /** `written`, or the error that kept the upgraded envelope from being stored (the old one still works; the next unlock tries again). */
  upgrade?: 'written' | KeyprintError;
}

/**
 * Unlocks the identity read from `enrolled.home` with the plugged-in key (unlockWithKey) and stores
 * the version-2 envelope a version-1 one was upgraded to in the same touch; `enrolled.keys` then
 * lists it. A failed write does not fail the unlock.
 * @example const { identity } = await unlockHome({ ctap, enrolled: await readEnrollment(home), pin })
 */
export async function unlockHome(options: Parameters<typeof unlockWithKey>[0]): Promise<HomeUnlocked> {
  const { enrolled } = options;
  const { identity, key, upgrade } = await unlockWithKey(options);
  if (!upgrade) return { identity, key };
  const stored = await writeKeys(enrolled.home, upgrade.change).then(
    () => 'written' as const,
    (e: unknown) => (e instanceof KeyprintError ? e : new EnrollError('home-io', String(e), { cause: e })),
  );
  if (stored !== 'written') return { identity, key, upgrade: stored };
  enrolled.keys = upgrade.change.keys;
  return { identity, key: upgrade.key, upgrade: stored };
}
