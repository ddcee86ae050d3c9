// Fuzz campaign, identity layer: bundle decoding (strict canonical CBOR + self-signature), binding
// verification of decoded bundles, X.509 parsing (keyprint's strict DER reader, checked against
// OpenSSL), identity certificates, attestation objects (the whole WebAuthn §7.1 path), key-wrap
// envelopes, did:key, authenticatorData and COSE keys. Seeds: the test fixtures' real encodings.
import { X509Certificate as NodeX509 } from 'node:crypto';
import { decode } from 'cborg';
import fc from 'fast-check';
import { beforeAll, describe } from 'vitest';
import {
  IdentityKeyPair, decodeBundle, didKeyFromPublicKey, encodeBundle, envelopeInfo, identityCertificate, parseCertificate,
  publicKeyFromDidKey, readIdentityCertificate, signBundle, unwrapSecret, verifyAttestation, verifyBinding, wrapSecret,
  wrapSecretWithPassphrase, type IdentityBundle,
} from '../../src/identity/index.js';
import { parseAuthenticatorData, parseCoseKey } from '../../src/identity/authenticator-data.js';
import { defaultRegistrationClientData } from '../../src/card/attestation.js';
import { chromiumIdentity, softEnrollment } from '../card/_fixtures.js';
import { makeBinding } from '../identity/_fixtures.js';
import { equalBytes, expectTyped, fuzz, fuzzBytes, fuzzText, hexOf, FUZZ_RUNS } from './_mutate.js';

interface AttestationSeed { attestationObject: Uint8Array; clientDataJSON: Uint8Array; rpId: string; at: Date; trustAnchors: Uint8Array[] }

const seeds = {
  bundles: [] as Uint8Array[],
  certificates: [] as Uint8Array[],
  attestations: [] as AttestationSeed[],
  envelopes: [] as Uint8Array[],
  authData: [] as Uint8Array[],
  coseKeys: [] as Uint8Array[],
  dids: [] as string[],
};
const prf = { prfOutput: new Uint8Array(32).fill(7), credentialId: new Uint8Array(16).fill(3), prfInput: new Uint8Array(32).fill(1), userVerified: true };

beforeAll(async () => {
  const chromium = chromiumIdentity();
  const soft = await softEnrollment();
  const ctapId = IdentityKeyPair.generate();
  const ctap = signBundle({ displayName: 'Ctap Kind', identityPublicKey: ctapId.publicKey, createdAt: Date.UTC(2026, 9, 1), binding: makeBinding(ctapId.publicKey, Date.UTC(2026, 9, 1), { kind: 'ctap' }) }, ctapId);
  const bare = signBundle({ displayName: 'Passphrase Only ✓', identityPublicKey: ctapId.publicKey, createdAt: 1, expiresAt: 2 ** 40, binding: null }, ctapId);
  const bundles: IdentityBundle[] = [chromium.bundle, soft.bundle, ctap, bare];
  seeds.bundles = bundles.map(encodeBundle);
  for (const [b, clientDataJSON, anchors] of [
    [chromium.bundle, chromium.registrationClientDataJSON, []],
    [soft.bundle, defaultRegistrationClientData(soft.bundle), [soft.caCertificate]],
  ] as Array<[IdentityBundle, Uint8Array, Uint8Array[]]>) {
    const att = b.binding!.attestationObject!;
    seeds.attestations.push({ attestationObject: att, clientDataJSON, rpId: b.binding!.rpId, at: new Date(b.createdAt), trustAnchors: anchors });
    const obj = decode(att, { useMaps: true }) as Map<string, any>;
    for (const c of obj.get('attStmt').get('x5c') ?? []) seeds.certificates.push(c);
    seeds.authData.push(obj.get('authData'));
  }
  seeds.certificates.push(soft.caCertificate, identityCertificate(soft.identity, soft.bundle), identityCertificate(chromium.identity, chromium.bundle));
  for (const b of bundles) {
    if (!b.binding) continue;
    seeds.authData.push(b.binding.authenticatorData);
    seeds.coseKeys.push(b.binding.credentialPublicKey);
  }
  seeds.envelopes.push(await wrapSecret(new Uint8Array(32).fill(9), prf), await wrapSecret(new Uint8Array(1), prf), soft.envelope,
    await wrapSecretWithPassphrase(new Uint8Array(32), { passphrase: 'correct horse battery' }));
  seeds.dids = bundles.map((b) => didKeyFromPublicKey(b.identityPublicKey));
}, 120_000);

// The seeds exist only after beforeAll: generators are built when each property starts.
const bytesOf = (k: 'bundles' | 'certificates' | 'envelopes' | 'authData' | 'coseKeys', max = 512) => () => fuzzBytes(seeds[k], max);

describe('identity fuzz', () => {
  const known = () => new Set(seeds.bundles.map(hexOf));
  fuzz('decodeBundle (no signature check): accepted ⇒ canonical re-encoding equals the input', bytesOf('bundles', 2048), (bytes) => {
    let b;
    try { b = decodeBundle(bytes, { verifySignature: false }); } catch (e) { expectTyped(e); return false; }
    if (!equalBytes(encodeBundle(b), bytes)) throw new Error(`accepted a non-canonical bundle ${hexOf(bytes)}`);
    // And a decoded bundle is something verifyBinding can judge without throwing anything untyped.
    try { verifyBinding(b); } catch (e) { expectTyped(e); }
    return true;
  });

  let knownBundles: Set<string>;
  fuzz('decodeBundle (signature checked): accepted ⇒ bytes are an original, unmodified bundle', bytesOf('bundles', 2048), (bytes) => {
    knownBundles ??= known();
    try { decodeBundle(bytes); } catch (e) { expectTyped(e); return false; }
    if (!knownBundles.has(hexOf(bytes))) throw new Error(`a modified bundle still verifies: ${hexOf(bytes)}`);
    return true;
  });

  // A second implementation: whatever keyprint's strict DER reader accepts, OpenSSL must parse too.
  // (Fixed finding 1 of docs/SECURITY.md: non-minimal INTEGERs, 0x80-padded OID subidentifiers,
  // UTF8Strings that are not UTF-8, Extensions with another tag than SEQUENCE, … were accepted.)
  fuzz('parseCertificate: typed errors only; accepted ⇒ OpenSSL parses it too', bytesOf('certificates', 1024), (der) => {
    try { parseCertificate(der); } catch (e) { expectTyped(e); return false; }
    try { new NodeX509(der); } catch (e) {
      throw new Error(`keyprint accepted a certificate OpenSSL rejects (${(e as Error).message}): ${hexOf(der)}`);
    }
    return true;
  });

  fuzz('readIdentityCertificate: typed errors only', bytesOf('certificates', 1024), (der) => {
    try { readIdentityCertificate(der); return true; } catch (e) { expectTyped(e); return false; }
  });

  // Accepted ⇒ everything the attestation signature vouches for is unchanged: fmt, authData, alg, sig
  // and the leaf's public key; and a leaf changed anywhere else (now issued by nobody known — what an
  // attacker can make from scratch) is never more than attested-unknown-vendor. Extra x5c entries
  // that path building does not use may differ (WebAuthn §8.2 leaves them to the verifier).
  fuzz('verifyAttestation: typed errors only; accepted ⇒ signed content unmodified, a modified leaf only attested-unknown-vendor', () =>
    fc.tuple(fc.nat(seeds.attestations.length - 1), fuzzBytes(seeds.attestations.map((a) => a.attestationObject), 2048)),
  async ([i, attestationObject]) => {
    const s = seeds.attestations[i];
    let trust: string;
    try {
      ({ trust } = await verifyAttestation({ ...s, attestationObject }));
    } catch (e) { expectTyped(e); return false; }
    if (equalBytes(attestationObject, s.attestationObject)) return true;
    if (signedPart(attestationObject) !== signedPart(s.attestationObject)) {
      throw new Error(`a modified attestationObject verifies: ${hexOf(attestationObject)}`);
    }
    if (leafOf(attestationObject) !== leafOf(s.attestationObject) && trust !== 'attested-unknown-vendor') {
      throw new Error(`a modified leaf certificate verifies as ${trust}: ${hexOf(attestationObject)}`);
    }
    return true;
  }, { runs: Math.min(FUZZ_RUNS, Number(process.env.KEYPRINT_FUZZ_ATTESTATION_RUNS ?? FUZZ_RUNS)) });

  fuzz('envelopeInfo: typed errors only', bytesOf('envelopes'), (bytes) => {
    try { envelopeInfo(bytes); return true; } catch (e) { expectTyped(e); return false; }
  });

  let knownEnv: Set<string>;
  fuzz('unwrapSecret: only an unmodified envelope unwraps; every failure is unwrap-failed', bytesOf('envelopes'), async (bytes) => {
    knownEnv ??= new Set(seeds.envelopes.map(hexOf));
    try { await unwrapSecret(bytes, prf); } catch (e) {
      expectTyped(e);
      if ((e as { code?: string }).code !== 'unwrap-failed') throw new Error(`unwrap failed with ${(e as { code?: string }).code}, expected the single unwrap-failed`);
      return false;
    }
    if (!knownEnv.has(hexOf(bytes))) throw new Error(`a modified envelope unwraps: ${hexOf(bytes)}`);
    return true;
  });

  fuzz('publicKeyFromDidKey: accepted ⇒ re-encodes to the same did', () => fuzzText(seeds.dids), (did) => {
    let pk;
    try { pk = publicKeyFromDidKey(did); } catch (e) { expectTyped(e); return false; }
    if (didKeyFromPublicKey(pk) !== did) throw new Error(`two dids for one key: ${JSON.stringify(did)}`);
    return true;
  });

  fuzz('parseAuthenticatorData: typed errors only', bytesOf('authData'), (bytes) => {
    try { parseAuthenticatorData(bytes); return true; } catch (e) { expectTyped(e); return false; }
  });

  fuzz('parseCoseKey: typed errors only', bytesOf('coseKeys', 256), (bytes) => {
    try { parseCoseKey(bytes); return true; } catch (e) { expectTyped(e); return false; }
  });
});

/** fmt, authData, alg, sig and x5c[0] of an attestationObject, as hex (what the verdict rests on). */
/** What the attestation signature covers or is made with: fmt, authData, alg, sig and the leaf's key. */
function signedPart(att: Uint8Array): string {
  const o = decode(att, { useMaps: true }) as Map<string, any>;
  const st = o.get('attStmt') as Map<string, any>;
  const leaf = st.get('x5c')?.[0] as Uint8Array | undefined;
  return [o.get('fmt'), hexOf(o.get('authData')), st.get('alg'), hexOf(st.get('sig') ?? new Uint8Array(0)), leaf ? hexOf(parseCertificate(leaf).spki) : ''].join(' ');
}

function leafOf(att: Uint8Array): string {
  const st = (decode(att, { useMaps: true }) as Map<string, any>).get('attStmt') as Map<string, any>;
  return hexOf(st.get('x5c')?.[0] ?? new Uint8Array(0));
}
