// Verification receipts: a WebAuthn or CTAP assertion over the labelled receipt challenge
// SHA-256(u16be(19) ‖ "keyprint-receipt-v1" ‖ TH), checked offline against the credential key in
// the signer's bundle (node:crypto signs, the WASM core verifies). The docs/PROTOCOL.md vector is
// recomputed with node:crypto; a bundle's binding assertion never passes as a receipt, nor the reverse.
import { base64urlnopad } from '@scure/base';
import { createHash, sign as nodeSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindingChallenge, decodeBundle, encodeBundle, IdentityKeyPair, signBundle, verifyBinding, type HardwareBinding, type IdentityBundle } from '../../src/identity/index.js';
import {
  createReceipt, decodeReceipt, encodeReceipt, receiptChallenge, RECEIPT_VERSION, SessionError, verifyReceipt, type ReceiptAssertion,
} from '../../src/session/index.js';
import { authData, makeBinding, makeCredential, sha256n, type Credential } from '../identity/_fixtures.js';
import { fcSeed, hex, unhex } from '../_util.js';
import { T0 } from './_pair.js';

const rpId = 'keyprint.example';
const cred = makeCredential();
const identity = IdentityKeyPair.fromSecretKey(new Uint8Array(32).fill(0x55));
const bundleOf = (kind: 'webauthn' | 'ctap'): IdentityBundle => decodeBundle(encodeBundle(signBundle({
  displayName: 'Carol', identityPublicKey: identity.publicKey, createdAt: T0, binding: makeBinding(identity.publicKey, T0, { credential: cred, rpId, kind }),
}, identity)));
const bundle = bundleOf('webauthn');
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

/** The bundle's own binding assertion, repackaged as a receipt whose "transcript hash" is the binding challenge. */
function bindingAsReceipt(b: IdentityBundle): { receipt: Uint8Array; challenge: Uint8Array } {
  const binding = b.binding as HardwareBinding;
  const challenge = bindingChallenge(b);
  const receipt = encodeReceipt({
    kind: binding.kind, credentialId: binding.credentialId, authenticatorData: binding.authenticatorData,
    ...(binding.kind === 'webauthn' ? { clientDataJSON: binding.clientDataJSON } : {}), signature: binding.signature, transcriptHash: challenge,
  });
  return { receipt, challenge };
}

// docs/PROTOCOL.md "Verification receipt", test vector: TH = 01 02 … 20.
const VECTOR = {
  transcriptHash: '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
  challenge: 'd92440ea6a10951614cb28a7e498654a50453dd5ef146b60d9bad0ba2b0f4755',
};

describe('receipt challenge (docs/PROTOCOL.md "Verification receipt")', () => {
  it('SHA-256(u16be(19) ‖ "keyprint-receipt-v1" ‖ TH), recomputed with node:crypto: the documented vector', () => {
    const label = Buffer.from('keyprint-receipt-v1', 'ascii');
    expect(label.length).toBe(19);
    const expected = createHash('sha256').update(Buffer.from([0, 19])).update(label).update(unhex(VECTOR.transcriptHash)).digest('hex');
    expect(expected).toBe(VECTOR.challenge);
    expect(hex(receiptChallenge(unhex(VECTOR.transcriptHash)))).toBe(VECTOR.challenge);
    const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
    for (const value of [VECTOR.transcriptHash, VECTOR.challenge, '0013' + label.toString('hex')]) expect(doc).toContain(value);
  });

  it('property: equals the node:crypto construction for any TH (≥ 1,000 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (t) => {
      expect(hex(receiptChallenge(t))).toBe(createHash('sha256').update(Buffer.from([0, 19])).update('keyprint-receipt-v1').update(t).digest('hex'));
    }), { seed: fcSeed, numRuns: 1000 });
  });

  it('the authenticator is asked to sign the labelled challenge, never TH itself', async () => {
    const seen: Uint8Array[] = [];
    await createReceipt(th, async (challenge) => { seen.push(challenge); return authenticator('ctap')(challenge); });
    expect(seen.map(hex)).toEqual([hex(receiptChallenge(th))]);
  });
});

describe('verification receipts', () => {
  it('webauthn and ctap receipts verify against the bundle credential and name the transcript', async () => {
    for (const kind of ['webauthn', 'ctap'] as const) {
      const receipt = await createReceipt(th, authenticator(kind));
      expect(verifyReceipt(receipt, bundle, th)).toEqual({ valid: true, transcriptHash: th, userVerified: true });
      expect(verifyReceipt(receipt, bundle, new Uint8Array(32))).toEqual({ valid: false, reason: 'transcript' });
    }
  });

  it('wrong key, wrong origin, changed bytes, no binding', async () => {
    const other = makeCredential();
    const forged = await createReceipt(th, authenticator('webauthn', { ...other, credentialId: cred.credentialId }));
    expect(verifyReceipt(forged, bundle, th)).toEqual({ valid: false, reason: 'signature' });
    expect(verifyReceipt(await createReceipt(th, authenticator('webauthn', cred, 'https://evil.example')), bundle, th)).toEqual({ valid: false, reason: 'origin' });
    expect(verifyReceipt(await createReceipt(th, authenticator('ctap', { ...other, credentialId: Uint8Array.of(1, 2, 3) })), bundle, th)).toEqual({ valid: false, reason: 'credential' });
    const good = await createReceipt(th, authenticator('ctap'));
    const tampered = good.slice(); tampered[6] ^= 1; // inside the transcript hash
    expect(verifyReceipt(tampered, bundle, tampered.slice(5, 37))).toEqual({ valid: false, reason: 'signature' });
    expect(verifyReceipt(good, { ...bundle, binding: null }, th)).toEqual({ valid: false, reason: 'no-binding' });
  });

  it('a second security key (bundle version 2): its receipts verify too; a key the bundle does not list is "credential"', async () => {
    const second = { ...makeCredential(), credentialId: Uint8Array.of(9, 9, 9, 9) };
    const boundAt = T0 + 86_400_000;
    const two = decodeBundle(encodeBundle(signBundle({
      displayName: 'Carol', identityPublicKey: identity.publicKey, createdAt: T0, binding: bundle.binding,
      additionalBindings: [makeBinding(identity.publicKey, boundAt, { credential: second, rpId, kind: 'ctap' })],
    }, identity)));
    expect(two.version).toBe(2);
    for (const kind of ['webauthn', 'ctap'] as const) {
      expect(verifyReceipt(await createReceipt(th, authenticator(kind, second)), two, th)).toEqual({ valid: true, transcriptHash: th, userVerified: true });
      expect(verifyReceipt(await createReceipt(th, authenticator(kind, cred)), two, th)).toEqual({ valid: true, transcriptHash: th, userVerified: true });
      // The one-key bundle does not know the second key.
      expect(verifyReceipt(await createReceipt(th, authenticator(kind, second)), bundle, th)).toEqual({ valid: false, reason: 'credential' });
    }
    // The second key's id with the first key's signature: the listed credential's own key decides.
    const mixed = await createReceipt(th, authenticator('ctap', { ...cred, credentialId: second.credentialId }));
    expect(verifyReceipt(mixed, two, th)).toEqual({ valid: false, reason: 'signature' });
  });

  it('a receipt signed over the bare TH (the version-1 construction) does not verify as version 2', async () => {
    const bare = async (c: Uint8Array) => authenticator('webauthn')(equalTo(c, receiptChallenge(th)) ? th : c);
    expect(verifyReceipt(await createReceipt(th, bare), bundle, th)).toEqual({ valid: false, reason: 'challenge' });
    const bareCtap = async (c: Uint8Array) => authenticator('ctap')(equalTo(c, receiptChallenge(th)) ? th : c);
    expect(verifyReceipt(await createReceipt(th, bareCtap), bundle, th)).toEqual({ valid: false, reason: 'signature' });
  });

  it('fuzz: decodeReceipt accepts or throws SessionError receipt / version, never anything else', async () => {
    const good = await createReceipt(th, authenticator('webauthn'));
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), fc.uint8Array({ maxLength: 300 }), (pos, x, cut, raw) => {
      const inputs = [cut ? good.subarray(0, pos % good.length) : good.map((b, i) => (i === pos % good.length ? b ^ x : b)), raw];
      for (const bytes of inputs) {
        try { decodeReceipt(bytes); } catch (e) { expect(e).toBeInstanceOf(SessionError); expect(['receipt', 'version']).toContain((e as SessionError).code); }
        try { verifyReceipt(bytes, bundle, th); } catch (e) { expect(['receipt', 'version']).toContain((e as SessionError).code); }
      }
    }), { seed: fcSeed, numRuns: 1000 });
  });
});

const equalTo = (a: Uint8Array, b: Uint8Array) => hex(a) === hex(b);

// Issue 16, finding 6: the binding challenge and the receipt challenge were both bare 32-byte values
// signed by the same credential, so the bundle's own binding assertion passed as a receipt.
describe('a binding assertion never passes as a receipt (nor a receipt as a binding)', () => {
  it.each(['webauthn', 'ctap'] as const)('%s: the bundle\'s binding assertion presented as a receipt is refused', (kind) => {
    const b = bundleOf(kind);
    expect(verifyBinding(b)).toEqual({ valid: true, userVerified: true }); // the assertion is genuine
    const { receipt, challenge } = bindingAsReceipt(b);
    // Whatever transcript hash the verifier holds: the one the receipt names, or a session's.
    expect(verifyReceipt(receipt, b, challenge)).toEqual({ valid: false, reason: kind === 'webauthn' ? 'challenge' : 'signature' });
    expect(verifyReceipt(receipt, b, th)).toEqual({ valid: false, reason: 'transcript' });
  });

  it('the transcript hash is required: verifyReceipt without it throws (invalid-value)', () => {
    const { receipt } = bindingAsReceipt(bundle);
    for (const missing of [undefined, {}, { transcriptHash: th }, new Uint8Array(31)]) {
      expect(() => verifyReceipt(receipt, bundle, missing as never)).toThrow(expect.objectContaining({ code: 'invalid-value' }));
    }
  });

  it('a receipt\'s assertion placed in a bundle as its binding does not verify (challenge)', async () => {
    const r = decodeReceipt(await createReceipt(th, authenticator('webauthn')));
    const binding: HardwareBinding = {
      kind: 'webauthn', rpId, credentialId: r.credentialId, credentialPublicKey: cred.cose, authenticatorData: r.authenticatorData,
      clientDataJSON: r.clientDataJSON, signature: r.signature,
    };
    const b = decodeBundle(encodeBundle(signBundle({ displayName: 'Carol', identityPublicKey: identity.publicKey, createdAt: T0, binding }, identity)));
    expect(verifyBinding(b)).toEqual({ valid: false, reason: 'challenge' });
  });
});

describe('receipt version', () => {
  it(`receipts are version ${RECEIPT_VERSION} = 2; a version-1 receipt is refused with SessionError version`, async () => {
    expect(RECEIPT_VERSION).toBe(2);
    const v2 = await createReceipt(th, authenticator('webauthn'));
    expect(v2[3]).toBe(2);
    const v1 = v2.slice(); v1[3] = 1;
    for (const call of [() => decodeReceipt(v1), () => verifyReceipt(v1, bundle, th)]) {
      expect(call).toThrow(SessionError);
      expect(call).toThrow(expect.objectContaining({ code: 'version' }));
      expect(call).toThrow(/^receipt expected version 2, got 1/);
    }
  });
});
