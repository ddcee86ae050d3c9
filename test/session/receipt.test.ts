// Verification receipts: a WebAuthn or CTAP assertion over the transcript hash, checked offline
// against the credential key in the signer's bundle (node:crypto signs, the WASM core verifies).
import { base64urlnopad } from '@scure/base';
import { sign as nodeSign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle, IdentityKeyPair, signBundle } from '../../src/identity/index.js';
import { createReceipt, decodeReceipt, SessionError, verifyReceipt, type ReceiptAssertion } from '../../src/session/index.js';
import { authData, makeBinding, makeCredential, sha256n, type Credential } from '../identity/_fixtures.js';
import { fcSeed } from '../_util.js';
import { T0 } from './_pair.js';

const rpId = 'keyprint.example';
const cred = makeCredential();
const identity = IdentityKeyPair.fromSecretKey(new Uint8Array(32).fill(0x55));
const bundle = decodeBundle(encodeBundle(signBundle({ displayName: 'Carol', identityPublicKey: identity.publicKey, createdAt: T0, binding: makeBinding(identity.publicKey, T0, { credential: cred, rpId }) }, identity)));
const th = new Uint8Array(32).map((_, i) => i + 1);

/** A software stand-in for the security key: signs like WebAuthn §6.3.3 / CTAP getAssertion. */
function authenticator(kind: 'webauthn' | 'ctap', c: Credential = cred, origin = `https://${rpId}`) {
  return async (challenge: Uint8Array): Promise<ReceiptAssertion> => {
    const ad = authData(rpId, 0x05);
    if (kind === 'ctap') return { kind, credentialId: c.credentialId, authenticatorData: ad, signature: new Uint8Array(nodeSign('sha256', Buffer.concat([ad, challenge]), c.privateKey)) };
    const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: 'webauthn.get', challenge: base64urlnopad.encode(challenge), origin }));
    return { kind, credentialId: c.credentialId, authenticatorData: ad, clientDataJSON, signature: new Uint8Array(nodeSign('sha256', Buffer.concat([ad, sha256n(clientDataJSON)]), c.privateKey)) };
  };
}

describe('verification receipts', () => {
  it('webauthn and ctap receipts verify against the bundle credential and name the transcript', async () => {
    for (const kind of ['webauthn', 'ctap'] as const) {
      const receipt = await createReceipt(th, authenticator(kind));
      expect(verifyReceipt(receipt, bundle, { transcriptHash: th })).toEqual({ valid: true, transcriptHash: th, userVerified: true });
      expect(verifyReceipt(receipt, bundle, { transcriptHash: new Uint8Array(32) })).toEqual({ valid: false, reason: 'transcript' });
    }
  });

  it('wrong key, wrong origin, changed bytes, no binding', async () => {
    const other = makeCredential();
    const forged = await createReceipt(th, authenticator('webauthn', { ...other, credentialId: cred.credentialId }));
    expect(verifyReceipt(forged, bundle)).toEqual({ valid: false, reason: 'signature' });
    expect(verifyReceipt(await createReceipt(th, authenticator('webauthn', cred, 'https://evil.example')), bundle)).toEqual({ valid: false, reason: 'origin' });
    expect(verifyReceipt(await createReceipt(th, authenticator('ctap', { ...other, credentialId: Uint8Array.of(1, 2, 3) })), bundle)).toEqual({ valid: false, reason: 'credential' });
    const good = await createReceipt(th, authenticator('ctap'));
    const tampered = good.slice(); tampered[6] ^= 1; // inside the transcript hash
    expect(verifyReceipt(tampered, bundle)).toEqual({ valid: false, reason: 'signature' });
    expect(verifyReceipt(good, { ...bundle, binding: null })).toEqual({ valid: false, reason: 'no-binding' });
  });

  it('fuzz: decodeReceipt accepts or throws SessionError receipt, never anything else', async () => {
    const good = await createReceipt(th, authenticator('webauthn'));
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), fc.uint8Array({ maxLength: 300 }), (pos, x, cut, raw) => {
      const inputs = [cut ? good.subarray(0, pos % good.length) : good.map((b, i) => (i === pos % good.length ? b ^ x : b)), raw];
      for (const bytes of inputs) {
        try { decodeReceipt(bytes); } catch (e) { expect(e).toBeInstanceOf(SessionError); expect((e as SessionError).code).toBe('receipt'); }
        try { verifyReceipt(bytes, bundle); } catch (e) { expect((e as SessionError).code).toBe('receipt'); }
      }
    }), { seed: fcSeed, numRuns: 1000 });
  });
});
