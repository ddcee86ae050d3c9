// keyprint's WebAssembly core as ts-mls's crypto provider for MLS ciphersuite 0x0001,
// MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (RFC 9420 §17.1): SHA-256, HMAC-SHA256 and
// HKDF-SHA256 (§5.1, §8), Ed25519 signatures (§5.1.2) and X25519 (inside HPKE, RFC 9180) from the
// core; AES-128-GCM through WebCrypto. ts-mls is extended the way it is designed to be: a
// `CryptoProvider` whose `getCiphersuiteImpl` returns the suite's hash, kdf, signature, hpke and rng.

import type { Ciphersuite, CiphersuiteImpl, CryptoProvider, Hash, Kdf, Rng, Signature } from 'ts-mls';
import {
  ed25519Keypair, ed25519Sign, ed25519Verify, hkdfExpandSha256, hkdfExtractSha256, hmacSha256, hmacSha256Verify, ready, sha256,
} from '../core/index.js';
import { GroupError } from './errors.js';
import { makeHpke } from './_hpke.js';

/** The one ciphersuite keyprint's provider implements (RFC 9420 §17.1, value 0x0001). */
export const KEYPRINT_MLS_SUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';

/** Nh of SHA-256: the length of every MLS secret and MAC of this suite (RFC 9420 §5.1). */
const NH = 32;
/** Ed25519 sizes (RFC 8032 §5.1.5, §5.1.6). */
const ED25519 = { publicKey: 32, signature: 64 } as const;

const hash: Hash = {
  digest: async (data) => sha256(data),
  mac: async (key, data) => hmacSha256(key, data),
  // §5.1: MAC(key, data) is HMAC; tags come from the wire (membership tag §6.2, confirmation tag
  // §8.1), so a tag of another length is a tag that does not verify, not a caller's mistake.
  verifyMac: async (key, mac, data) => mac.length === NH && hmacSha256Verify(key, data, mac),
};

const kdf: Kdf = {
  // §8: KDF.Extract(salt, ikm) and KDF.Expand(secret, info, length) of HKDF (RFC 5869 §2.2, §2.3).
  extract: async (salt, ikm) => hkdfExtractSha256(ikm, salt),
  expand: async (prk, info, len) => hkdfExpandSha256(prk, info, len),
  size: NH,
};

const signature: Signature = {
  /** @param signKey the 32-byte Ed25519 seed that `keygen` returns (RFC 8032 §5.1.5) */
  sign: async (signKey, message) => ed25519Sign(signKey, message),
  // Keys and signatures arrive from peers (leaf nodes, key packages, §7.2, §10): one of the wrong
  // length is a signature that does not verify. ed25519Verify is strict (no small-order keys or R,
  // S < L, canonical encodings), so it never accepts what RFC 8032 §5.1.7 rejects.
  verify: async (publicKey, message, sig) =>
    publicKey.length === ED25519.publicKey && sig.length === ED25519.signature && ed25519Verify(publicKey, message, sig),
  keygen: async () => {
    const { secretKey, publicKey } = ed25519Keypair();
    return { signKey: secretKey, publicKey };
  },
};

const rng: Rng = {
  // Path secrets, reuse guards, PSK nonces (§7.4, §6.3.1, §8.4): the platform CSPRNG, as the core's
  // key generation uses. getRandomValues fills at most 65,536 bytes per call.
  randomBytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += 65536) globalThis.crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)));
    return out;
  },
};

/**
 * ts-mls's crypto provider on keyprint's core, for ciphersuite 0x0001 only.
 * `getCiphersuiteImpl` loads the core (`ready()`) if it is not loaded yet.
 * @throws GroupError `unsupported-suite` for any other ciphersuite
 * @example
 * const impl = await getCiphersuiteImpl(getCiphersuiteFromName(KEYPRINT_MLS_SUITE), keyprintCryptoProvider)
 * const group = await createGroup(groupId, keyPackage, privatePackage, [], impl)
 */
export const keyprintCryptoProvider: CryptoProvider = {
  async getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
    if (cs.name !== KEYPRINT_MLS_SUITE) {
      throw new GroupError('unsupported-suite',
        `ciphersuite expected ${KEYPRINT_MLS_SUITE} (0x0001), got ${String(cs.name)}; use ts-mls's defaultCryptoProvider for other suites`);
    }
    await ready();
    return { hash, kdf, signature, hpke: makeHpke(), rng, name: cs.name };
  },
};
