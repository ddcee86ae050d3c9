// ECDSA over P-256 with SHA-256-sized digests (FIPS 186-5 §6.4.1 signature generation, §6.4.2
// verification) and deterministic nonces (RFC 6979 §3.2, HMAC-SHA-256). The host passes the 32-byte
// value bits2int(H(m)) (FIPS 186-5 §6.4.1 step 3: the leftmost 256 bits of the hash); this file
// never sees the message. Signing wipes every secret buffer before returning.

import { hmacInit, hmacUpdate, hmacFinal, hmacWipeScratch } from "../hmac";
import { FE, fpMul, fpEqual, fpFromBytes, fpToBytes, fpWipeScratch, limbsFromBytes, limbsToBytes } from "./field";
import {
  N_LIMBS, fnMul, fnAdd, fnInv, fnFromBytesReduce, fnToBytes, fnIsZero, scalarIsValid, fnWipeScratch,
} from "./scalar";
import {
  POINT, AFFINE, P256_OK, P256_INVALID_SECRET, P256_INVALID_POINT, pointDecode,
  baseMulCt, pointMulDoubleVartime, pointToAffine, pointIsIdentity, pointWipeScratch,
} from "./point";

const HCTX: usize = memory.data(224, 16); // HMAC-SHA-256 context (two SHA-256 contexts)
const KEY: usize = memory.data(32, 16);   // RFC 6979 K
const MSG: usize = memory.data(128, 16);  // V ‖ 0x00/0x01 ‖ int2octets(x) ‖ bits2octets(h1)
const XB: usize = memory.data(32, 16);
const ZM: usize = memory.data(40, 16);    // z mod n (Montgomery)
const RM: usize = memory.data(40, 16);
const SM: usize = memory.data(40, 16);
const KM: usize = memory.data(40, 16);
const DM: usize = memory.data(40, 16);
const PT: usize = memory.data(120, 16);  // POINT
const AF: usize = memory.data(80, 16);   // AFFINE

function wipeAll(): void {
  memory.fill(HCTX, 0, 224);
  memory.fill(KEY, 0, 32);
  memory.fill(MSG, 0, 128);
  memory.fill(XB, 0, 32);
  memory.fill(ZM, 0, 40);
  memory.fill(RM, 0, 40);
  memory.fill(SM, 0, 40);
  memory.fill(KM, 0, 40);
  memory.fill(DM, 0, 40);
  memory.fill(PT, 0, POINT);
  memory.fill(AF, 0, AFFINE);
  hmacWipeScratch<u32>();
  pointWipeScratch();
  fpWipeScratch();
  fnWipeScratch();
}

/** out = HMAC_K(MSG[0 .. len)) with K the current RFC 6979 key; out may be KEY or V. */
function hmacKey(len: usize, out: usize): void {
  hmacInit<u32>(HCTX, KEY, 32);
  hmacUpdate<u32>(HCTX, MSG, len);
  hmacFinal<u32>(HCTX, out);
}

/**
 * Signs the 32-byte digest at `hash` with the secret key at `secret`: r ‖ s (64 bytes) to `out`.
 * Returns P256_INVALID_SECRET unless 1 ≤ d < n.
 */
export function p256Sign(out: usize, secret: usize, hash: usize): i32 {
  if (!scalarIsValid(secret)) return P256_INVALID_SECRET;
  const V = MSG;
  // RFC 6979 §2.3.4 bits2octets(h1) = int2octets(bits2int(h1) mod q).
  fnFromBytesReduce(ZM, hash);
  fnToBytes(MSG + 65, ZM);
  memory.copy(MSG + 33, secret, 32); // §2.3.3 int2octets(x)
  // §3.2 b, c: V = 0x01 0x01 …, K = 0x00 0x00 …
  memory.fill(V, 1, 32);
  memory.fill(KEY, 0, 32);
  // d: K = HMAC_K(V ‖ 0x00 ‖ int2octets(x) ‖ bits2octets(h1)); e: V = HMAC_K(V)
  store<u8>(MSG + 32, 0);
  hmacKey(97, KEY);
  hmacKey(32, V);
  // f: K = HMAC_K(V ‖ 0x01 ‖ int2octets(x) ‖ bits2octets(h1)); g: V = HMAC_K(V)
  store<u8>(MSG + 32, 1);
  hmacKey(97, KEY);
  hmacKey(32, V);
  fnFromBytesReduce(DM, secret);
  for (;;) {
    // h.2: qlen = hlen = 256, so T = V after one round; h.3: k = bits2int(T), used if 1 ≤ k < q.
    hmacKey(32, V);
    if (scalarIsValid(V)) {
      // FIPS 186-5 §6.4.1 steps 5–12: R = k·G, r = x_R mod n, s = k^-1 (z + r·d) mod n.
      baseMulCt(PT, V);
      pointToAffine(AF, PT);
      fpToBytes(XB, AF);
      fnFromBytesReduce(RM, XB);
      fnFromBytesReduce(KM, V);
      fnInv(KM, KM);
      fnMul(SM, RM, DM);
      fnAdd(SM, SM, ZM);
      fnMul(SM, SM, KM);
      // "If either r = 0 or s = 0, another value of k needs to be generated" (RFC 6979 §3.4).
      if (!(fnIsZero(RM) | fnIsZero(SM))) break;
    }
    // h.3: K = HMAC_K(V ‖ 0x00); V = HMAC_K(V)
    store<u8>(MSG + 32, 0);
    hmacKey(33, KEY);
    hmacKey(32, V);
  }
  fnToBytes(out, RM);
  fnToBytes(out + 32, SM);
  wipeAll();
  return P256_OK;
}

/**
 * FIPS 186-5 §6.4.2: verifies r ‖ s (64 bytes at `sig`) over the 32-byte digest at `hash` with the
 * SEC 1 public key at `pub` (33 or 65 bytes). Returns 1 (valid), 0 (invalid signature) or
 * P256_INVALID_POINT for a public key that is not a valid point. Public data only (variable time).
 */
export function p256Verify(pub: usize, pubLen: usize, hash: usize, sig: usize): i32 {
  if (pointDecode(AF, pub, pubLen) != P256_OK) return P256_INVALID_POINT;
  // Step 2: "If r and s are not both integers in the interval [1, n − 1], output INVALID."
  if (!scalarIsValid(sig) || !scalarIsValid(sig + 32)) return 0;
  fnFromBytesReduce(ZM, hash);
  fnFromBytesReduce(RM, sig);
  fnFromBytesReduce(SM, sig + 32);
  fnInv(SM, SM);               // w = s^-1
  fnMul(KM, ZM, SM);           // u1 = z·w
  fnMul(DM, RM, SM);           // u2 = r·w
  fnToBytes(XB, KM);
  fnToBytes(MSG, DM);          // MSG is free during verification
  pointMulDoubleVartime(PT, XB, AF, MSG); // R = u1·G + u2·Q
  if (pointIsIdentity(PT)) return 0;
  // Steps 7–8 without inverting Z: v = (X/Z mod p) mod n equals r iff X = r'·Z for r' = r or, when
  // r + n < p, r' = r + n (x_R < p < 2n, so no other preimage). r < n < p is a valid field element.
  fpFromBytes(AF, sig);
  fpMul(AF + FE, AF, PT + 2 * FE);
  if (fpEqual(AF + FE, PT)) return 1;
  limbsFromBytes(KM, sig);
  let c: u64 = 0;
  for (let i: usize = 0; i < 32; i += 4) {
    const x = <u64>load<u32>(KM + i) + <u64>load<u32>(N_LIMBS + i) + c;
    store<u32>(KM + i, <u32>x);
    c = x >> 32;
  }
  if (c != 0) return 0;
  limbsToBytes(XB, KM);
  if (!fpFromBytes(AF, XB)) return 0; // r + n ≥ p
  fpMul(AF + FE, AF, PT + 2 * FE);
  return fpEqual(AF + FE, PT);
}
