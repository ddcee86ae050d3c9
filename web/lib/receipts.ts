// Verification receipts in the web app (src/session/receipt.ts, docs/PROTOCOL.md "Verification
// receipt"): after a confirmed session the user's security key signs the receipt challenge of the
// transcript hash; the receipt travels to the peer as a file of its own type over the encrypted
// session, and the peer checks it against our bundle's hardware binding and its own transcript
// hash of this session.
// Relative imports (not the `keyprint/*` aliases) so vitest can load it; they name the same modules.
import { createReceipt, verifyReceipt, type ReceiptResult } from '../../src/session/index.js';
import { decodeBundle } from '../../src/identity/index.js';
import { KeyprintError } from '../../src/errors.js';
import type { StoredProfile } from './profile-store.js';
import { getAssertion } from './webauthn.js';

/** The file type that marks a session file as a receipt (never shown as a download). */
export const RECEIPT_MIME = 'application/vnd.keyprint.receipt';
export const RECEIPT_NAME = 'verification-receipt.kpr';

/**
 * One touch: the security key that binds this identity signs the transcript hash.
 * @throws Error when the identity has no security key (passphrase identities cannot sign receipts)
 */
export async function signReceipt(profile: StoredProfile, transcriptHash: Uint8Array): Promise<Uint8Array> {
  const c = profile.credential;
  if (profile.kind !== 'prf' || !c) throw new Error('A receipt is signed by a security key; this identity is protected by a passphrase only.');
  return createReceipt(transcriptHash, async (challenge) => {
    const a = await getAssertion({ rpId: c.rpId, challenge, credentialId: c.credentialId, transports: c.transports });
    a.prfFirst?.fill(0); // the ceremony also evaluates the unlock PRF; a receipt needs none of it
    return { kind: 'webauthn', credentialId: a.credentialId, authenticatorData: a.authenticatorData, clientDataJSON: a.clientDataJSON, signature: a.signature };
  });
}

/** verifyReceipt's result, or why the receipt could not be checked at all: another receipt version, or bytes that are not a receipt. */
export type ReceiptCheck = ReceiptResult | { valid: false; reason: 'version' | 'malformed' };

/** Checks a peer's receipt for this session. A malformed one is `{ valid: false }` too. */
export function checkReceipt(receipt: Uint8Array, peerBundleBytes: Uint8Array, transcriptHash: Uint8Array): ReceiptCheck {
  try {
    return verifyReceipt(receipt, decodeBundle(peerBundleBytes), transcriptHash);
  } catch (e) {
    return { valid: false, reason: e instanceof KeyprintError && e.code === 'version' ? 'version' : 'malformed' };
  }
}
