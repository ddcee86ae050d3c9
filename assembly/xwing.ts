// X-Wing (draft-connolly-cfrg-xwing-kem-10): the hybrid of ML-KEM-768 and X25519 with the SHA3-256
// combiner. The decapsulation key is a 32-byte seed, expanded with SHAKE256 (§5.2); an expanded
// key (sk_M ‖ sk_X ‖ pk_X ‖ Â, 7072 bytes) may be cached by the host (§5.5.1: "could cache even more
// computation, such as the expanded matrix A") and never leaves it. Â is public; keeping it saves
// decapsulation the 27 or so SHAKE128 blocks of sampling it again.
//
// X25519 here has no all-zero check: the draft specifies none (§5.4, §5.5), and the combiner
// hashes ct_X and pk_X with both shared secrets, so a low-order X25519 share only removes X25519's
// contribution — the ML-KEM-768 shared secret still protects the result.

import { keccak, SHA3_256_RATE, SHAKE256_RATE, SHA3_SUFFIX, SHAKE_SUFFIX, KECCAK_CTX } from "./sha3";
import {
  mlkemKeygenKeepMatrix, mlkemEncaps, mlkemDecapsWithMatrix, MLKEM768_EK, MLKEM768_DK, MLKEM768_CT, MLKEM768_MATRIX,
} from "./mlkem/kem";
import { x25519, x25519Base } from "./x25519";
import { wipe } from "./ct";

export const XWING_PK: usize = MLKEM768_EK + 32;     // 1216
export const XWING_CT: usize = MLKEM768_CT + 32;     // 1120
export const XWING_EXPANDED: usize = MLKEM768_DK + 64 + MLKEM768_MATRIX; // 7072
const EXP_SKX: usize = MLKEM768_DK;
const EXP_PKX: usize = MLKEM768_DK + 32;
const EXP_MATRIX: usize = MLKEM768_DK + 64;

// Scratch: the expanded seed, the combiner's input, a Keccak context, and an expanded key and
// public key for the one-shot decapsulation from a seed.
const SCRATCH_SIZE: usize = 96 + 144 + KECCAK_CTX + XWING_EXPANDED + XWING_PK;
const SCRATCH: usize = memory.data(<i32>SCRATCH_SIZE, 16);
const SEED96: usize = SCRATCH;
const COMB: usize = SEED96 + 96;                  // ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ XWingLabel (134 bytes)
const CTX: usize = COMB + 144;
const EXP: usize = CTX + KECCAK_CTX;
const PK: usize = EXP + XWING_EXPANDED;
// §5.3: XWingLabel = "\./" ‖ "/^\" = 5c2e2f2f5e5c.
const LABEL: usize = memory.data<u8>([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]);

/**
 * expandDecapsulationKey(sk) (§5.2): SHAKE256(sk, 96·8) = d ‖ z ‖ sk_X; ML-KEM-768.KeyGen_internal(d, z)
 * and pk_X = X25519(sk_X, 9). Writes pk = pk_M ‖ pk_X (1216 bytes) and the expanded key
 * sk_M ‖ sk_X ‖ pk_X ‖ Â (7072 bytes).
 */
export function xwingExpand(expanded: usize, pk: usize, seed: usize): void {
  expand(expanded, pk, seed);
  wipe(SCRATCH, SCRATCH_SIZE);
}

/** The public key of a seed (GenerateKeyPairDerand, §5.2.1): pk = pk_M ‖ pk_X. */
export function xwingPublicKey(pk: usize, seed: usize): void {
  expand(EXP, pk, seed);
  wipe(SCRATCH, SCRATCH_SIZE);
}

/** xwingExpand without the wipe, for callers that go on using the scratch. */
function expand(expanded: usize, pk: usize, seed: usize): void {
  keccak(CTX, SHAKE256_RATE, SHAKE_SUFFIX, seed, 32, SEED96, 96);
  mlkemKeygenKeepMatrix(pk, expanded, SEED96, expanded + EXP_MATRIX);
  memory.copy(expanded + EXP_SKX, SEED96 + 64, 32);
  x25519Base(pk + MLKEM768_EK, SEED96 + 64);
  memory.copy(expanded + EXP_PKX, pk + MLKEM768_EK, 32);
}

/** Combiner(ss_M, ss_X, ct_X, pk_X) (§5.3), with ss_M and ss_X already in COMB. */
function combine(ss: usize, ctX: usize, pkX: usize): void {
  memory.copy(COMB + 64, ctX, 32);
  memory.copy(COMB + 96, pkX, 32);
  memory.copy(COMB + 128, LABEL, 6);
  keccak(CTX, SHA3_256_RATE, SHA3_SUFFIX, COMB, 134, ss, 32);
}

/**
 * EncapsulateDerand(pk, eseed) (§5.4.1): ct = ct_M ‖ ct_X (1120 bytes) and the shared secret.
 * The host has run the ML-KEM encapsulation key check (§7.2) on pk_M first (§4: MUST).
 */
export function xwingEncaps(ct: usize, ss: usize, pk: usize, eseed: usize): void {
  mlkemEncaps(ct, COMB, pk, eseed);                          // ss_M, ct_M
  x25519Base(ct + MLKEM768_CT, eseed + 32);                  // ct_X = X25519(ek_X, 9)
  x25519(COMB + 32, eseed + 32, pk + MLKEM768_EK);           // ss_X = X25519(ek_X, pk_X)
  combine(ss, ct + MLKEM768_CT, pk + MLKEM768_EK);
  wipe(SCRATCH, SCRATCH_SIZE);
}

/** Decapsulate(ct, sk) (§5.5) with the expanded key sk_M ‖ sk_X ‖ pk_X ‖ Â. */
export function xwingDecapsExpanded(ss: usize, ct: usize, expanded: usize): void {
  mlkemDecapsWithMatrix(COMB, ct, expanded, expanded + EXP_MATRIX); // ss_M (no §7.3 check: §4)
  x25519(COMB + 32, expanded + EXP_SKX, ct + MLKEM768_CT);  // ss_X = X25519(sk_X, ct_X)
  combine(ss, ct + MLKEM768_CT, expanded + EXP_PKX);
  wipe(SCRATCH, SCRATCH_SIZE);
}

/** Decapsulate(ct, sk) (§5.5) from the 32-byte seed: expands it, then decapsulates. */
export function xwingDecaps(ss: usize, ct: usize, seed: usize): void {
  expand(EXP, PK, seed);
  mlkemDecapsWithMatrix(COMB, ct, EXP, EXP + EXP_MATRIX);
  x25519(COMB + 32, EXP + EXP_SKX, ct + MLKEM768_CT);
  combine(ss, ct + MLKEM768_CT, EXP + EXP_PKX);
  wipe(SCRATCH, SCRATCH_SIZE);
}
