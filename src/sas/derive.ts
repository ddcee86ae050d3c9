// keyprint's session SAS derivation (docs/PROTOCOL.md, "Session SAS"): HKDF-SHA-256 (RFC 5869) with
//   ikm  = the key-agreement shared secret,
//   salt = the handshake transcript hash (SHA-256, 32 bytes),
//   info = u16be(len(label)) ‖ label, label = "keyprint-sas-v1",
// 8 bytes out: enough for every rendering (7 emoji read 6 bytes, 5 words 5, decimal 5, base-32 3).

import { hkdfSha256 } from '../core/index.js';
import { atLeast, bytes } from './_check.js';

/** The versioned label; a new derivation gets a new label, never a changed meaning for this one. */
export const SAS_LABEL = 'keyprint-sas-v1';
/** Output length of `deriveSas`. */
export const SAS_BYTES = 8;

const label = new TextEncoder().encode(SAS_LABEL);
/** Length-prefixed so that no other label's info can be a prefix of, or equal to, this one. */
const INFO = Uint8Array.from([label.length >> 8, label.length & 0xff, ...label]);

/**
 * Derives the 8 SAS bytes of a session; render them with `sasEmoji`, `sasDecimal` or `sasWords`.
 * Only safe after a commitment step in the handshake (docs/THREAT-MODEL.md).
 * @param sharedSecret the key agreement's output (X25519 or P-256 ECDH), at least 32 bytes
 * @param transcriptHash SHA-256 of the handshake transcript, 32 bytes
 * @returns 8 bytes
 * @throws InputError `invalid-type` / `invalid-length` for a bad argument
 * @example sasEmoji(deriveSas(sharedSecret, transcriptHash))
 */
export function deriveSas(sharedSecret: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  atLeast('sharedSecret', sharedSecret, 32);
  bytes('transcriptHash', transcriptHash, 32);
  return hkdfSha256(sharedSecret, transcriptHash, INFO, SAS_BYTES);
}
