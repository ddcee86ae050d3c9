// Session key schedule (docs/PROTOCOL.md "Session protocol", "Key schedule"): the commitment, the
// length-prefixed role-ordered transcript hash, and HKDF-SHA-256 (RFC 5869) from the X-Wing
// (draft-connolly-cfrg-xwing-kem) shared secret to the SAS (keyprint/sas deriveSas), two directional
// chain keys and a confirmation key, plus the signature and MAC inputs. Every label is versioned
// ("keyprint-session-v2 …": version 2 is the hybrid handshake) and length-prefixed.

import { hkdfSha256, hmacSha256, hmacSha256Verify, sha256 } from '../core/index.js';
import { deriveSas } from '../sas/index.js';
import { label, Writer } from './_bytes.js';

export type Role = 'initiator' | 'responder';
const ROLE_BYTE: Record<Role, number> = { initiator: 0, responder: 1 };

export const LABEL_COMMIT = 'keyprint-session-v2 commit';
export const LABEL_TRANSCRIPT = 'keyprint-session-v2 transcript';
export const LABEL_CHAIN_I2R = 'keyprint-session-v2 chain initiator';
export const LABEL_CHAIN_R2I = 'keyprint-session-v2 chain responder';
export const LABEL_CONFIRM = 'keyprint-session-v2 confirm';
export const LABEL_AUTH = 'keyprint-session-v2 auth';
export const LABEL_MAC = 'keyprint-session-v2 mac';

/**
 * The initiator's commitment to its hello frame: SHA-256(u16be(26) ‖ "keyprint-session-v2 commit" ‖ hello).
 * @param initiatorHello the encoded hello frame the initiator will send third
 * @returns 32 bytes
 * @example const commitment = commitmentOf(encodeMessage(hello))
 */
export function commitmentOf(initiatorHello: Uint8Array): Uint8Array {
  return sha256(new Writer().raw(label(LABEL_COMMIT)).raw(initiatorHello).bytes());
}

/**
 * The transcript hash: SHA-256 over the label and the three handshake frames, each u32-length-prefixed,
 * in protocol order (commit, responder hello, initiator hello) — the same order for both roles.
 * @param commit the commit frame
 * @param responderHello the responder's hello frame
 * @param initiatorHello the initiator's hello frame
 * @returns 32 bytes
 * @example const th = transcriptHash(commitFrame, helloR, helloI)
 */
export function transcriptHash(commit: Uint8Array, responderHello: Uint8Array, initiatorHello: Uint8Array): Uint8Array {
  return sha256(new Writer().raw(label(LABEL_TRANSCRIPT)).var32(commit).var32(responderHello).var32(initiatorHello).bytes());
}

/** Everything derived from one handshake. Secret: never logged (see toString). */
export interface SessionKeys {
  transcriptHash: Uint8Array;
  sas: Uint8Array;
  /** Chain key for messages the initiator sends. */
  chainInitiator: Uint8Array;
  /** Chain key for messages the responder sends. */
  chainResponder: Uint8Array;
  confirmKey: Uint8Array;
}

/**
 * Derives the session keys from the handshake's shared secret.
 * @param shared the X-Wing shared secret (32 bytes); zeroed here once everything is derived
 * @param th the transcript hash
 * @returns SAS (8 bytes), chain keys and confirmation key (32 bytes each)
 * @example const keys = deriveSessionKeys(decapsulator.decapsulate(helloR.kemCiphertext), th)
 */
export function deriveSessionKeys(shared: Uint8Array, th: Uint8Array): SessionKeys {
  const keys: SessionKeys = {
    transcriptHash: th,
    sas: deriveSas(shared, th),
    chainInitiator: hkdfSha256(shared, th, label(LABEL_CHAIN_I2R), 32),
    chainResponder: hkdfSha256(shared, th, label(LABEL_CHAIN_R2I), 32),
    confirmKey: hkdfSha256(shared, th, label(LABEL_CONFIRM), 32),
  };
  shared.fill(0);
  Object.defineProperty(keys, 'toString', { value: () => '[SessionKeys]', enumerable: false });
  Object.defineProperty(keys, 'toJSON', { value: () => '[SessionKeys]', enumerable: false });
  Object.defineProperty(keys, Symbol.for('nodejs.util.inspect.custom'), { value: () => '[SessionKeys]', enumerable: false });
  return keys;
}

/**
 * What a side signs with its identity key: label ‖ role ‖ transcript hash (the role stops reflection).
 * @example const signature = identity.sign(authInput('initiator', th))
 */
export function authInput(role: Role, th: Uint8Array): Uint8Array {
  return new Writer().raw(label(LABEL_AUTH)).u8(ROLE_BYTE[role]).raw(th).bytes();
}

function macInput(role: Role, identityPublicKey: Uint8Array, th: Uint8Array): Uint8Array {
  return new Writer().raw(label(LABEL_MAC)).u8(ROLE_BYTE[role]).var16(identityPublicKey).raw(th).bytes();
}

/**
 * Key confirmation MAC of `role`'s identity key and the transcript (HMAC-SHA-256).
 * @example const mac = confirmationMac(keys.confirmKey, 'initiator', identity.publicKey, th)
 */
export function confirmationMac(confirmKey: Uint8Array, role: Role, identityPublicKey: Uint8Array, th: Uint8Array): Uint8Array {
  return hmacSha256(confirmKey, macInput(role, identityPublicKey, th));
}

/**
 * Constant-time check of a peer's confirmation MAC.
 * @returns true if valid
 * @example verifyConfirmationMac(keys.confirmKey, 'responder', peerKey, th, mac)
 */
export function verifyConfirmationMac(confirmKey: Uint8Array, role: Role, identityPublicKey: Uint8Array, th: Uint8Array, mac: Uint8Array): boolean {
  return hmacSha256Verify(confirmKey, macInput(role, identityPublicKey, th), mac);
}
