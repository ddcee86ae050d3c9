// Verification receipts in the web app (src/session/receipt.ts, docs/PROTOCOL.md "Verification
// receipt"): after a confirmed session the user's security key signs the session's receipt
// challenge. The conversation layer builds, sends and checks receipts; this file is only the
// WebAuthn call it is given.
import type { ReceiptAssertion } from 'keyprint/session';
import type { StoredProfile } from './profile-store.js';
import { getAssertion } from './webauthn.js';

/**
 * The hardware call for `Conversation.sendReceipt`: one touch of the security key that binds this identity.
 * @throws Error when the identity has no security key (passphrase identities cannot sign receipts)
 */
export function receiptSigner(profile: StoredProfile): (challenge: Uint8Array) => Promise<ReceiptAssertion> {
  const c = profile.credential;
  if (profile.kind !== 'prf' || !c) throw new Error('A receipt is signed by a security key; this identity is protected by a passphrase only.');
  return async (challenge) => {
    const a = await getAssertion({ rpId: c.rpId, challenge, credentialId: c.credentialId, transports: c.transports });
    a.prfFirst?.fill(0); // the ceremony also evaluates the unlock PRF; a receipt needs none of it
    return { kind: 'webauthn', credentialId: a.credentialId, authenticatorData: a.authenticatorData, clientDataJSON: a.clientDataJSON, signature: a.signature };
  };
}
