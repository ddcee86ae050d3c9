// The ABI of keyprint's WebAssembly core: exported functions over (pointer, length) pairs in linear
// memory, byte-size constants and status codes. No logic lives here; see one file per primitive.
//
// Memory: static data (tables, scratch, contexts) is placed by the compiler below __heap_base.
// Everything from ioBase() to the end of memory is the I/O area the host writes inputs to and reads
// outputs from; the host grows memory when an input does not fit. Nothing here allocates.

import { SHA256_CTX, sha256, sha256Init, sha256Update, sha256Final } from "./sha256";
import { SHA512_CTX, sha512, sha512Init, sha512Update, sha512Final, sha512Iterate } from "./sha512";
import { hmacInit, hmacUpdate, hmacFinal, hmacWipeScratch } from "./hmac";
import { hkdf, hkdfExtract, hkdfExpand } from "./hkdf";
import { wipe, ctEqual } from "./ct";
import {
  KECCAK_CTX, keccak, keccakInit, keccakUpdate, keccakFinal, keccakSqueeze,
  SHA3_256_RATE, SHA3_512_RATE, SHAKE128_RATE, SHAKE256_RATE, SHA3_SUFFIX, SHAKE_SUFFIX,
} from "./sha3";

// Status codes returned by functions that can fail (keep in step with src/core/_wasm.ts).
export const STATUS_OK: i32 = 0;
export const STATUS_BAD_LENGTH: i32 = 1;

/** First byte of the I/O area (16-byte aligned). */
export function ioBase(): usize {
  return (__heap_base + 15) & ~15;
}

// Contexts for one-shot calls and for the host's streaming hashers (which copy theirs in and out).
const CTX: usize = memory.data(416, 16);
export const SHA256_CTX_SIZE: u32 = <u32>SHA256_CTX;
export const SHA512_CTX_SIZE: u32 = <u32>SHA512_CTX;

// --- SHA-2 (public data; no wiping) ---------------------------------------------------------
export function sha256Digest(p: usize, len: usize, out: usize): void { sha256(p, len, out, CTX); }
export function sha512Digest(p: usize, len: usize, out: usize): void { sha512(p, len, out, CTX); }
export { sha256Init, sha256Update, sha256Final, sha512Init, sha512Update, sha512Final };

export function sha512IterateDigest(initial: usize, initialLen: usize, suffix: usize, suffixLen: usize,
                                    iterations: u32, out: usize): void {
  sha512Iterate(CTX, initial, initialLen, suffix, suffixLen, iterations, out);
}

// --- SHA-3 / SHAKE (FIPS 202; public data, like SHA-2: no wiping) -----------------------------
export const KECCAK_CTX_SIZE: u32 = <u32>KECCAK_CTX;
export function sha3_256Digest(p: usize, len: usize, out: usize): void {
  keccak(CTX, SHA3_256_RATE, SHA3_SUFFIX, p, len, out, 32);
}
export function sha3_512Digest(p: usize, len: usize, out: usize): void {
  keccak(CTX, SHA3_512_RATE, SHA3_SUFFIX, p, len, out, 64);
}
export function shake128Digest(p: usize, len: usize, out: usize, outLen: usize): void {
  keccak(CTX, SHAKE128_RATE, SHAKE_SUFFIX, p, len, out, outLen);
}
export function shake256Digest(p: usize, len: usize, out: usize, outLen: usize): void {
  keccak(CTX, SHAKE256_RATE, SHAKE_SUFFIX, p, len, out, outLen);
}
// Streaming: the host keeps the context and passes the rate (136, 72, 168, 136) and suffix
// (0x06 for SHA3, 0x1f for SHAKE) of the function it computes.
export { keccakInit, keccakUpdate, keccakFinal, keccakSqueeze };

// --- HMAC (secret key: every scratch byte is wiped before returning) -----------------------------
export function hmacSha256(key: usize, keyLen: usize, p: usize, len: usize, out: usize): void {
  hmacInit<u32>(CTX, key, keyLen);
  hmacUpdate<u32>(CTX, p, len);
  hmacFinal<u32>(CTX, out);
  wipe(CTX, 416);
  hmacWipeScratch<u32>();
}
export function hmacSha512(key: usize, keyLen: usize, p: usize, len: usize, out: usize): void {
  hmacInit<u64>(CTX, key, keyLen);
  hmacUpdate<u64>(CTX, p, len);
  hmacFinal<u64>(CTX, out);
  wipe(CTX, 416);
  hmacWipeScratch<u64>();
}

const MAC: usize = memory.data(64, 16);

/** 1 if the leftmost `tagLen` bytes of HMAC-SHA-256(key, data) equal `tag` (RFC 2104 §5), else 0. */
export function hmacSha256Verify(key: usize, keyLen: usize, p: usize, len: usize, tag: usize, tagLen: usize): u32 {
  hmacSha256(key, keyLen, p, len, MAC);
  const ok = ctEqual(MAC, tag, tagLen);
  wipe(MAC, 64);
  return ok;
}
export function hmacSha512Verify(key: usize, keyLen: usize, p: usize, len: usize, tag: usize, tagLen: usize): u32 {
  hmacSha512(key, keyLen, p, len, MAC);
  const ok = ctEqual(MAC, tag, tagLen);
  wipe(MAC, 64);
  return ok;
}

// --- HKDF (RFC 5869); lengths are checked here as well as in the host --------------------------
export function hkdfSha256(ikm: usize, ikmLen: usize, salt: usize, saltLen: usize, info: usize, infoLen: usize,
                           out: usize, len: usize): i32 {
  if (len > 255 * 32) return STATUS_BAD_LENGTH;
  hkdf<u32>(ikm, ikmLen, salt, saltLen, info, infoLen, out, len);
  return STATUS_OK;
}
export function hkdfSha512(ikm: usize, ikmLen: usize, salt: usize, saltLen: usize, info: usize, infoLen: usize,
                           out: usize, len: usize): i32 {
  if (len > 255 * 64) return STATUS_BAD_LENGTH;
  hkdf<u64>(ikm, ikmLen, salt, saltLen, info, infoLen, out, len);
  return STATUS_OK;
}
export function hkdfExtractSha256(salt: usize, saltLen: usize, ikm: usize, ikmLen: usize, prk: usize): void {
  hkdfExtract<u32>(salt, saltLen, ikm, ikmLen, prk);
}
export function hkdfExtractSha512(salt: usize, saltLen: usize, ikm: usize, ikmLen: usize, prk: usize): void {
  hkdfExtract<u64>(salt, saltLen, ikm, ikmLen, prk);
}
export function hkdfExpandSha256(prk: usize, prkLen: usize, info: usize, infoLen: usize, out: usize, len: usize): i32 {
  if (len > 255 * 32) return STATUS_BAD_LENGTH;
  hkdfExpand<u32>(prk, prkLen, info, infoLen, out, len);
  return STATUS_OK;
}
export function hkdfExpandSha512(prk: usize, prkLen: usize, info: usize, infoLen: usize, out: usize, len: usize): i32 {
  if (len > 255 * 64) return STATUS_BAD_LENGTH;
  hkdfExpand<u64>(prk, prkLen, info, infoLen, out, len);
  return STATUS_OK;
}

// --- X25519 / Ed25519 (RFC 7748, RFC 8032) — owned by the Curve25519 work -----------------------
// x25519Scalarmult returns X25519_LOW_ORDER when the shared secret is all zero (low-order peer key).
export { x25519 as x25519Scalarmult, x25519Base as x25519ScalarmultBase } from "./x25519";
export { ed25519PublicKey as ed25519PublicKeyFromSeed, ed25519Sign as ed25519SignDetached } from "./ed25519";
export { ed25519SignWithPublicKey } from "./ed25519";
export { ed25519Verify as ed25519VerifyDetached, ed25519IsValidPublicKey } from "./ed25519";
export const X25519_LOW_ORDER: i32 = 1;

// --- P-256 ECDH / ECDSA (SEC 1, FIPS 186-5, RFC 6979) — owned by the P-256 work -------------------
export { P256_OK, P256_INVALID_SECRET, P256_INVALID_POINT } from "./p256/point";
export { p256PublicKey, p256Ecdh, p256NormalizePoint } from "./p256/ecdh";
export { p256Sign, p256Verify } from "./p256/ecdsa";

// --- ML-KEM-768 (FIPS 203) and X-Wing (draft-connolly-cfrg-xwing-kem) ---------------------------
// Randomness comes from the host (seeds, m, eseed). The input checks of FIPS 203 §7.2 and §7.3 are
// separate exports that return 1 (valid) or 0, so the host decides and reports; the KEM functions
// assume checked input. Every function wipes its scratch before returning.
export { MLKEM768_EK, MLKEM768_DK, MLKEM768_CT, MLKEM768_SEED } from "./mlkem/kem";
export { mlkemKeygen as mlkem768KeypairDerand, mlkemEncaps as mlkem768EncapsulateDerand } from "./mlkem/kem";
export { mlkemDecaps as mlkem768Decapsulate } from "./mlkem/kem";
export { mlkemEncapsulationKeyValid as mlkem768EncapsulationKeyValid } from "./mlkem/kem";
export { mlkemDecapsulationKeyValid as mlkem768DecapsulationKeyValid } from "./mlkem/kem";
export { XWING_PK, XWING_CT, XWING_EXPANDED } from "./xwing";
export { xwingPublicKey, xwingExpand, xwingEncaps as xwingEncapsulateDerand } from "./xwing";
export { xwingDecaps as xwingDecapsulate, xwingDecapsExpanded as xwingDecapsulateExpanded } from "./xwing";
