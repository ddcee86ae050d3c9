// What both apps do with a peer's receipt (the conversation layer's checkReceipt) — the bundle's
// own binding assertion sent as a receipt is refused (issue 16, finding 6), a version-1 receipt is
// named as such, and a real receipt for this session verifies.
import { base64urlnopad } from '@scure/base';
import { sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bindingChallenge, encodeBundle, IdentityKeyPair, signBundle, type HardwareBinding } from '../../src/identity/index.js';
import { checkReceipt, createReceipt, encodeReceipt } from '../../src/session/index.js';
import { authData, makeBinding, makeCredential, sha256n } from '../identity/_fixtures.js';

const rpId = 'keyprint.example';
const cred = makeCredential();
const identity = IdentityKeyPair.fromSecretKey(new Uint8Array(32).fill(0x66));
const binding = makeBinding(identity.publicKey, 1_767_225_600_000, { credential: cred, rpId }) as HardwareBinding;
const bundleFields = { displayName: 'Dana', identityPublicKey: identity.publicKey, createdAt: 1_767_225_600_000, binding };
const bundleBytes = encodeBundle(signBundle(bundleFields, identity));
const th = new Uint8Array(32).fill(0xa5); // this session's transcript hash

async function webauthnReceipt(transcriptHash: Uint8Array): Promise<Uint8Array> {
  return createReceipt(transcriptHash, async (challenge) => {
    const ad = authData(rpId, 0x05);
    const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: 'webauthn.get', challenge: base64urlnopad.encode(challenge), origin: `https://${rpId}` }));
    return { kind: 'webauthn', credentialId: cred.credentialId, authenticatorData: ad, clientDataJSON, signature: new Uint8Array(nodeSign('sha256', Buffer.concat([ad, sha256n(clientDataJSON)]), cred.privateKey)) };
  });
}

describe('checkReceipt (the conversation layer)', () => {
  it('a receipt for this session verifies', async () => {
    expect(checkReceipt(await webauthnReceipt(th), bundleBytes, th)).toMatchObject({ valid: true, userVerified: true });
  });

  it('the bundle\'s binding assertion sent as a receipt is refused, whichever transcript hash it names', () => {
    const asReceipt = (transcriptHash: Uint8Array) => encodeReceipt({
      kind: 'webauthn', credentialId: binding.credentialId, authenticatorData: binding.authenticatorData,
      clientDataJSON: binding.clientDataJSON, signature: binding.signature, transcriptHash,
    });
    const challenge = bindingChallenge(bundleFields);
    expect(checkReceipt(asReceipt(challenge), bundleBytes, th)).toEqual({ valid: false, reason: 'transcript' });
    expect(checkReceipt(asReceipt(th), bundleBytes, th)).toEqual({ valid: false, reason: 'challenge' });
    expect(checkReceipt(asReceipt(challenge), bundleBytes, challenge)).toEqual({ valid: false, reason: 'challenge' });
  });

  it('a version-1 receipt is reported as such (version), a damaged one as malformed', async () => {
    const v2 = await webauthnReceipt(th);
    const v1 = v2.slice(); v1[3] = 1;
    expect(checkReceipt(v1, bundleBytes, th)).toEqual({ valid: false, reason: 'version' });
    expect(checkReceipt(v2.subarray(0, 20), bundleBytes, th)).toEqual({ valid: false, reason: 'malformed' });
  });
});
