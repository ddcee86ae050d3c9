// P-256 key generation and ECDH (SEC 1 §3.2.1 key pair generation from a given d, §3.3.1 Elliptic
// Curve Diffie–Hellman primitive; NIST SP 800-56A §5.7.1.2). The peer's point is fully validated
// before the secret scalar is touched; every secret buffer is wiped before returning.

import { fpToBytes, fpWipeScratch } from "./field";
import { scalarIsValid, fnWipeScratch } from "./scalar";
import {
  POINT, AFFINE, P256_OK, P256_INVALID_SECRET, P256_INVALID_POINT, pointDecode, pointFromAffine,
  pointMulCt, baseMulCt, pointToAffine, affineEncode, pointWipeScratch,
} from "./point";

const PT: usize = memory.data(120, 16); // POINT
const AF: usize = memory.data(80, 16);  // AFFINE

function wipeAll(): void {
  memory.fill(PT, 0, POINT);
  memory.fill(AF, 0, AFFINE);
  pointWipeScratch();
  fpWipeScratch();
  fnWipeScratch();
}

/**
 * Q = d·G for the secret key d (32 big-endian bytes at `secret`), SEC 1 encoded at `out`:
 * 33 bytes when `compressed`, else 65. Returns P256_INVALID_SECRET unless 1 ≤ d < n.
 */
export function p256PublicKey(out: usize, secret: usize, compressed: bool): i32 {
  // SEC 1 §3.2.1: "Randomly or pseudorandomly select an integer d in the interval [1, n − 1]".
  if (!scalarIsValid(secret)) return P256_INVALID_SECRET;
  baseMulCt(PT, secret);
  pointToAffine(AF, PT); // never the identity: 1 ≤ d < n and G has prime order n
  affineEncode(out, AF, compressed);
  wipeAll();
  return P256_OK;
}

/**
 * The shared secret x-coordinate (32 bytes at `out`) of d·Q for the secret key at `secret` and the
 * peer's SEC 1 point at `peer` (33 or 65 bytes). SEC 1 §3.3.1 step 2: "if P = O, output invalid".
 */
export function p256Ecdh(out: usize, secret: usize, peer: usize, peerLen: usize): i32 {
  // Validate the public point first (SEC 1 §3.2.2.1): an off-curve point would make the secret
  // scalar multiplication work on another curve (invalid-curve attacks).
  if (pointDecode(AF, peer, peerLen) != P256_OK) { wipeAll(); return P256_INVALID_POINT; }
  if (!scalarIsValid(secret)) { wipeAll(); return P256_INVALID_SECRET; }
  pointFromAffine(PT, AF);
  pointMulCt(PT, PT, secret);
  const ok = pointToAffine(AF, PT);
  fpToBytes(out, AF);
  wipeAll();
  // Unreachable for a validated Q on a prime-order curve with 1 ≤ d < n; kept as the spec's check.
  return ok ? P256_OK : P256_INVALID_POINT;
}

/** Validates a SEC 1 point (33 or 65 bytes at `p`) and writes its 65-byte uncompressed form to `out`. */
export function p256NormalizePoint(out: usize, p: usize, len: usize): i32 {
  const status = pointDecode(AF, p, len);
  if (status == P256_OK) affineEncode(out, AF, false);
  wipeAll();
  return status;
}
