// Verification receipts in the web app (src/session/receipt.ts, docs/PROTOCOL.md "Verification
// receipt"): after a confirmed session the user's security key signs the session's receipt
// challenge. The conversation layer builds, sends and checks receipts; this file is only the
// WebAuthn call it is given.
import type { ReceiptAssertion } from 'keyprint/session';
import type { StoredProfile } from './profile-store.js';
import { getAssertion } from './webauthn.js';

/**
 * The hardware call for `Conversation.sendReceipt`: one touch of any security key that binds this
 * identity (the bundle lists every key, so the peer checks the receipt against whichever signed it).
 * No PRF is evaluated: a receipt needs no secret.
 * @throws Error when the identity has no security key (passphrase identities cannot sign receipts)
 */
export function receiptSigner(profile: StoredProfile): (challenge: Uint8Array) => Promise<ReceiptAssertion> {
  const keys = profile.keys ?? [];
  if (profile.kind !== 'prf' || keys.length === 0) throw new Error('A receipt is signed by a security key; this identity is protected by a passphrase only.');
  return async (challenge) => {
    const a = await getAssertion({
      rpId: keys[0].rpId, challenge, userVerification: 'preferred', credentials: keys.map((k) => ({ id: k.credentialId, transports: k.transports })),
    });
    return { kind: 'webauthn', credentialId: a.credentialId, authenticatorData: a.authenticatorData, clientDataJSON: a.clientDataJSON, signature: a.signature };
  };
}
