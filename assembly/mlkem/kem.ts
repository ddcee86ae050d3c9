// ML-KEM-768 (FIPS 203): K-PKE (§5, Algorithms 13–15) and the KEM's internal algorithms (§6,
// Algorithms 16–18) with k = 3, η1 = η2 = 2, du = 10, dv = 4; the input checks of §7.2 and §7.3.
// The randomness (the seed d ‖ z, the message m) comes from the host, which draws it from its
// CSPRNG (§3.3: the *_internal algorithms).
//
// Constant time: the noise, ŝ, m, K, r and every intermediate are secret. The only
// variable-time part is SampleNTT over the public seed ρ. Decapsulation always computes both the
// re-encryption and the implicit-rejection key K̄ = J(z ‖ c), compares c with the re-encryption
// by OR-ing XORs, and selects the output key with a mask (Algorithm 18 lines 9–10).
// All scratch is one static block, wiped before every function returns.

import {
  keccak, keccakInit, keccakUpdate, keccakFinal, keccakSqueeze,
  SHA3_256_RATE, SHA3_512_RATE, SHAKE256_RATE, SHA3_SUFFIX, SHAKE_SUFFIX, KECCAK_CTX,
} from "../sha3";
import { ntt, invntt, twist, basemulAcc, bmul } from "./ntt";
import {
  sampleNtt, cbd2, encode12, decode12, modulusCheck, compress10, decompress10, compress4, decompress4,
  compress1, addMessage, polyAdd, polySub, polyReduce,
} from "./poly";
import { ctEqual, wipe } from "../ct";

export const MLKEM768_EK: usize = 1184;
export const MLKEM768_DK: usize = 2400;
export const MLKEM768_CT: usize = 1088;
export const MLKEM768_SEED: usize = 64;
/** The matrix Â as the core holds it: 9 polynomials of 256 i16 (public; a cache for X-Wing, §5.5.1). */
export const MLKEM768_MATRIX: usize = 9 * 512;

const POLY: usize = 512;
const VEC: usize = 3 * POLY;

// dk = dk_PKE ‖ ek ‖ H(ek) ‖ z (Algorithm 16 line 3).
const DK_EK: usize = 1152;
const DK_H: usize = 2336;
const DK_Z: usize = 2368;

// Scratch: polynomials, the re-encryption, a Keccak context and byte buffers, in one block.
const SCRATCH_SIZE: usize = 26 * POLY + 1088 + KECCAK_CTX + 400;
const SCRATCH: usize = memory.data(<i32>SCRATCH_SIZE, 16);
const A: usize = SCRATCH;          // Â[i][j] at (3i + j)·512 (public)
const T: usize = A + 9 * POLY;     // t̂ (public)
const S: usize = T + VEC;          // s, ŝ / y, ŷ
const TW: usize = S + VEC;         // the twisted form of ŝ, ŷ or û (ntt.ts basemulAcc)
const E: usize = TW + VEC;         // e, ê / e1
const U: usize = E + VEC;          // u / û
const V: usize = U + VEC;          // v / w
const P: usize = V + POLY;         // e2 / v'
const CT2: usize = P + POLY;       // c' (1088)
const CTX: usize = CT2 + 1088;     // Keccak context
const BUF: usize = CTX + KECCAK_CTX;
const PRF_OUT: usize = BUF;        // 128
const PRF_IN: usize = BUF + 128;   // 33
const G_IN: usize = BUF + 176;     // 64: d ‖ k, or m ‖ H(ek)
const G_OUT: usize = BUF + 240;    // 64: ρ ‖ σ, or K ‖ r
const XSEED: usize = BUF + 304;    // 34: ρ ‖ j ‖ i
const MSG: usize = BUF + 352;      // 32: m'
const SPARE: usize = BUF + 384;    // 2: where SampleNTT drops candidates past the 256th

/** SamplePolyCBD_2(PRF_2(key, n)) into p: PRF_η(s, b) = SHAKE256(s ‖ b, 8·64η) (§4.1, eq. 4.3). */
function sampleNoise(p: usize, key: usize, n: u8): void {
  memory.copy(PRF_IN, key, 32);
  store<u8>(PRF_IN, n, 32);
  keccak(CTX, SHAKE256_RATE, SHAKE_SUFFIX, PRF_IN, 33, PRF_OUT, 128);
  cbd2(p, PRF_OUT);
}

/** Â[i][j] = SampleNTT(ρ ‖ j ‖ i) for i, j < 3 (Algorithm 13 lines 3–7, Algorithm 14 lines 4–8). */
function genMatrix(rho: usize): void {
  memory.copy(XSEED, rho, 32);
  for (let i: u8 = 0; i < 3; i++) {
    for (let j: u8 = 0; j < 3; j++) {
      store<u8>(XSEED, j, 32);
      store<u8>(XSEED, i, 33);
      sampleNtt(A + (3 * <usize>i + <usize>j) * POLY, XSEED, CTX, SPARE);
    }
  }
}

/**
 * K-PKE.Encrypt(ek, m, r) (Algorithm 14) into the 1088 bytes at `ct`. With `matrix` ≠ 0, Â is
 * copied from there (a cache of this ek's matrix) instead of sampled again from ρ.
 */
function encrypt(ct: usize, ek: usize, m: usize, r: usize, matrix: usize): void {
  for (let i: usize = 0; i < 3; i++) decode12(T + i * POLY, ek + 384 * i);
  if (matrix != 0) memory.copy(A, matrix, MLKEM768_MATRIX);
  else genMatrix(ek + 1152);
  for (let i: usize = 0; i < 3; i++) sampleNoise(S + i * POLY, r, <u8>i);        // y
  for (let i: usize = 0; i < 3; i++) sampleNoise(E + i * POLY, r, <u8>(3 + i));  // e1
  sampleNoise(P, r, 6);                                                          // e2
  for (let i: usize = 0; i < 3; i++) {
    ntt(S + i * POLY);
    twist(TW + i * POLY, S + i * POLY);
  }
  // u = NTT^-1(Â^T ∘ ŷ) + e1, c1 = ByteEncode_du(Compress_du(u))
  for (let i: usize = 0; i < 3; i++) {
    const u = U + i * POLY;
    basemulAcc(u, A + i * POLY, A + (3 + i) * POLY, A + (6 + i) * POLY, S, TW);
    invntt(u);
    polyAdd(u, u, E + i * POLY);
    polyReduce(u);
    compress10(ct + 320 * i, u);
  }
  // v = NTT^-1(t̂^T ∘ ŷ) + e2 + Decompress_1(m), c2 = ByteEncode_dv(Compress_dv(v))
  basemulAcc(V, T, T + POLY, T + 2 * POLY, S, TW);
  invntt(V);
  polyAdd(V, V, P);
  addMessage(V, m);
  polyReduce(V);
  compress4(ct + 960, V);
}

/** K-PKE.Decrypt(dk_PKE, c) (Algorithm 15): the 32-byte message into `m`. */
function decrypt(m: usize, dkPke: usize, ct: usize): void {
  for (let i: usize = 0; i < 3; i++) {
    const u = U + i * POLY;
    decompress10(u, ct + 320 * i);
    ntt(u);
    twist(TW + i * POLY, u);
    decode12(S + i * POLY, dkPke + 384 * i);
  }
  // w = v' − NTT^-1(ŝ^T ∘ NTT(u'))
  basemulAcc(V, S, S + POLY, S + 2 * POLY, U, TW);
  invntt(V);
  decompress4(P, ct + 960);
  polySub(V, P, V);
  polyReduce(V);
  compress1(m, V);
}

/**
 * ML-KEM.KeyGen_internal(d, z) (Algorithm 16 over K-PKE.KeyGen, Algorithm 13): `seed` is d ‖ z
 * (64 bytes); writes ek (1184 bytes) and dk (2400 bytes).
 */
export function mlkemKeygen(ek: usize, dk: usize, seed: usize): void {
  mlkemKeygenKeepMatrix(ek, dk, seed, 0);
}

/** mlkemKeygen that also copies Â (MLKEM768_MATRIX bytes, public) to `matrix` unless it is 0. */
export function mlkemKeygenKeepMatrix(ek: usize, dk: usize, seed: usize, matrix: usize): void {
  // (ρ, σ) = G(d ‖ k): the parameter k = 3 is appended for domain separation (Algorithm 13 line 1).
  memory.copy(G_IN, seed, 32);
  store<u8>(G_IN, 3, 32);
  keccak(CTX, SHA3_512_RATE, SHA3_SUFFIX, G_IN, 33, G_OUT, 64);
  genMatrix(G_OUT);
  for (let i: usize = 0; i < 3; i++) sampleNoise(S + i * POLY, G_OUT + 32, <u8>i);       // s
  for (let i: usize = 0; i < 3; i++) sampleNoise(E + i * POLY, G_OUT + 32, <u8>(3 + i)); // e
  for (let i: usize = 0; i < 3; i++) {
    ntt(S + i * POLY);
    ntt(E + i * POLY);
    twist(TW + i * POLY, S + i * POLY);
  }
  // t̂ = Â ∘ ŝ + ê; basemulAcc leaves a factor 2^-16, undone by multiplying with 2^16 mod q = 2285.
  const r = i16x8.splat(2285), rb = i16x8.splat(22492);
  for (let i: usize = 0; i < 3; i++) {
    const t = T + i * POLY;
    basemulAcc(t, A + 3 * i * POLY, A + (3 * i + 1) * POLY, A + (3 * i + 2) * POLY, S, TW);
    for (let j: usize = 0; j < POLY; j += 16) {
      v128.store(t + j, i16x8.add(bmul(v128.load(t + j), r, rb), v128.load(E + i * POLY + j)));
    }
    encode12(ek + 384 * i, t);
  }
  memory.copy(ek + 1152, G_OUT, 32); // ek = ByteEncode_12(t̂) ‖ ρ
  for (let i: usize = 0; i < 3; i++) encode12(dk + 384 * i, S + i * POLY);
  memory.copy(dk + DK_EK, ek, MLKEM768_EK);
  keccak(CTX, SHA3_256_RATE, SHA3_SUFFIX, ek, MLKEM768_EK, dk + DK_H, 32); // H(ek)
  memory.copy(dk + DK_Z, seed + 32, 32);
  if (matrix != 0) memory.copy(matrix, A, MLKEM768_MATRIX);
  wipe(SCRATCH, SCRATCH_SIZE);
}

/**
 * ML-KEM.Encaps_internal(ek, m) (Algorithm 17): writes c (1088 bytes) and K (32 bytes). The host
 * has run mlkemEncapsulationKeyValid (§7.2) on ek first.
 */
export function mlkemEncaps(ct: usize, ss: usize, ek: usize, m: usize): void {
  memory.copy(G_IN, m, 32);
  keccak(CTX, SHA3_256_RATE, SHA3_SUFFIX, ek, MLKEM768_EK, G_IN + 32, 32); // H(ek)
  keccak(CTX, SHA3_512_RATE, SHA3_SUFFIX, G_IN, 64, G_OUT, 64);             // (K, r) = G(m ‖ H(ek))
  encrypt(ct, ek, G_IN, G_OUT + 32, 0);
  memory.copy(ss, G_OUT, 32);
  wipe(SCRATCH, SCRATCH_SIZE);
}

/**
 * ML-KEM.Decaps_internal(dk, c) (Algorithm 18): writes K (32 bytes). Implicit rejection: when the
 * re-encryption of the decrypted message differs from c, K = J(z ‖ c) instead — selected by mask.
 */
export function mlkemDecaps(ss: usize, ct: usize, dk: usize): void {
  mlkemDecapsWithMatrix(ss, ct, dk, 0);
}

/** mlkemDecaps with this key's Â from `matrix` (from mlkemKeygenKeepMatrix), or sampled if 0. */
export function mlkemDecapsWithMatrix(ss: usize, ct: usize, dk: usize, matrix: usize): void {
  decrypt(MSG, dk, ct);                                            // m'
  memory.copy(G_IN, MSG, 32);
  memory.copy(G_IN + 32, dk + DK_H, 32);
  keccak(CTX, SHA3_512_RATE, SHA3_SUFFIX, G_IN, 64, G_OUT, 64);    // (K', r') = G(m' ‖ h)
  encrypt(CT2, dk + DK_EK, MSG, G_OUT + 32, matrix);               // c'
  keccakInit(CTX, SHAKE256_RATE);                                  // K̄ = J(z ‖ c)
  keccakUpdate(CTX, dk + DK_Z, 32);
  keccakUpdate(CTX, ct, MLKEM768_CT);
  keccakFinal(CTX, SHAKE_SUFFIX);
  keccakSqueeze(CTX, ss, 32);
  // if c ≠ c' then K' = K̄ (lines 9–10): mask = all ones when equal.
  const mask = <u8>(0 - ctEqual(ct, CT2, MLKEM768_CT));
  for (let i: usize = 0; i < 32; i++) {
    const kbar = load<u8>(ss + i);
    store<u8>(ss + i, kbar ^ (mask & (kbar ^ load<u8>(G_OUT + i))));
  }
  wipe(SCRATCH, SCRATCH_SIZE);
}

/** §7.2 modulus check of an encapsulation key: 1 if its 768 coefficients are all < q, else 0. */
export function mlkemEncapsulationKeyValid(ek: usize): u32 {
  return modulusCheck(ek);
}

/** §7.3 hash check of a decapsulation key: 1 if H(dk[1152 : 2336]) = dk[2336 : 2368], else 0. */
export function mlkemDecapsulationKeyValid(dk: usize): u32 {
  keccak(CTX, SHA3_256_RATE, SHA3_SUFFIX, dk + DK_EK, MLKEM768_EK, G_OUT, 32);
  const ok = ctEqual(G_OUT, dk + DK_H, 32);
  wipe(SCRATCH, SCRATCH_SIZE);
  return ok;
}
