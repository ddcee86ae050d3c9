// Hardware binding: the binding challenge's exact bytes, and verifyBinding against assertions
// built independently with node:crypto (P-256 key, authData, clientDataJSON, DER signature), one
// negative case per WebAuthn §7.2 check.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { base64urlnopad } from '@scure/base';
import { ed25519PublicKey, InputError } from '../../src/core/index.js';
import { bindingChallenge, verifyBinding } from '../../src/identity/binding.js';
import { signBundle, encodeBundle, decodeBundle, type IdentityBundle, type HardwareBinding } from '../../src/identity/bundle.js';
import { hex, unhex, utf8, fcSeed } from '../_util.js';
import { makeBinding, makeCredential, authData, attestationObject, type AssertionOptions } from './_fixtures.js';

const SEED = unhex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'); // RFC 8032 §7.1 TEST 1
const PK = ed25519PublicKey(SEED);
const CREATED = 1767225600000;

const bundleWith = (binding: HardwareBinding | null): IdentityBundle =>
  decodeBundle(encodeBundle(signBundle({ displayName: 'Ada', identityPublicKey: PK, createdAt: CREATED, binding }, SEED)));
const bound = (o: AssertionOptions = {}) => bundleWith(makeBinding(PK, CREATED, o));

describe('bindingChallenge', () => {
  it('is SHA-256(u16be(16) ‖ "keyprint-bind-v1" ‖ u16be(32) ‖ key ‖ u64be(createdAt)) (docs/PROTOCOL.md vector)', () => {
    const preimage = '0010' + hex(utf8('keyprint-bind-v1')) + '0020' + hex(PK) + '0000019b76daa800';
    const expected = createHash('sha256').update(unhex(preimage)).digest('hex');
    expect(hex(bindingChallenge({ identityPublicKey: PK, createdAt: CREATED }))).toBe(expected);
    expect(expected).toBe('68d9b33b860680e5dd332f6ee77c5961e547be1845000df1feb5f670205f133a');
    expect(base64urlnopad.encode(unhex(expected))).toBe('aNmzO4YGgOXdMy9u53xZYeVHvhhFAA3x_rX2cCBfEzo');
  });

  it('property: matches an independent node:crypto construction for every key and time', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: Number.MAX_SAFE_INTEGER }), (key, t) => {
      const time = Buffer.alloc(8);
      time.writeBigUInt64BE(BigInt(t));
      const expected = createHash('sha256').update(Buffer.concat([Buffer.from([0, 16]), Buffer.from('keyprint-bind-v1'), Buffer.from([0, 32]), key, time])).digest('hex');
      expect(hex(bindingChallenge({ identityPublicKey: key, createdAt: t }))).toBe(expected);
    }), { seed: fcSeed, numRuns: 1000 });
  });

  it.each([
    ['no params', undefined], ['null', null], ['key missing', { createdAt: 1 }], ['key 31 bytes', { identityPublicKey: new Uint8Array(31), createdAt: 1 }],
    ['key as array', { identityPublicKey: [...PK], createdAt: 1 }], ['createdAt missing', { identityPublicKey: PK }],
    ['createdAt negative', { identityPublicKey: PK, createdAt: -1 }], ['createdAt 2^53', { identityPublicKey: PK, createdAt: 2 ** 53 }],
    ['createdAt fraction', { identityPublicKey: PK, createdAt: 0.5 }], ['createdAt bigint', { identityPublicKey: PK, createdAt: 1n }],
  ])('garbage: %s → InputError', (_n, v) => {
    expect(() => bindingChallenge(v as never)).toThrow(InputError);
  });
});

describe('verifyBinding: valid assertions', () => {
  it('WebAuthn assertion with UP and UV', () => {
    expect(verifyBinding(bound(), { requireUserVerification: true })).toEqual({ valid: true, userVerified: true });
  });
  it('CTAP assertion (clientDataHash = challenge)', () => {
    expect(verifyBinding(bound({ kind: 'ctap' }))).toEqual({ valid: true, userVerified: true });
  });
  it('UP without UV is valid unless UV is required', () => {
    const b = bound({ flags: 0x01 });
    expect(verifyBinding(b)).toEqual({ valid: true, userVerified: false });
    expect(verifyBinding(b, { requireUserVerification: true })).toEqual({ valid: false, reason: 'user-verification' });
  });
  it('an origin on a subdomain of the RP ID, an explicit origin list, and localhost', () => {
    expect(verifyBinding(bound({ origin: 'https://app.keyprint.example' })).valid).toBe(true);
    expect(verifyBinding(bound({ origin: 'https://keyprint.example:8443' })).valid).toBe(true);
    expect(verifyBinding(bound({ origin: 'https://other.example' }), { origins: ['https://other.example'] }).valid).toBe(true);
    expect(verifyBinding(bound({ rpId: 'localhost', origin: 'http://localhost:5173' })).valid).toBe(true);
  });
  it('with the registration attestationObject of the same credential', () => {
    const cred = makeCredential();
    const b = makeBinding(PK, CREATED, { credential: cred });
    b.attestationObject = attestationObject(cred);
    expect(verifyBinding(bundleWith(b))).toEqual({ valid: true, userVerified: true });
  });
  it('options.rpId pins the RP', () => {
    expect(verifyBinding(bound(), { rpId: 'keyprint.example' }).valid).toBe(true);
    expect(verifyBinding(bound(), { rpId: 'other.example' })).toEqual({ valid: false, reason: 'rp-id' });
  });
});

describe('verifyBinding: each failure', () => {
  const other = ed25519PublicKey(new Uint8Array(32).fill(9));
  const cases: Array<[string, () => IdentityBundle, string]> = [
    ['passphrase-only bundle', () => bundleWith(null), 'no-binding'],
    ['challenge of another identity key', () => bound({ challenge: bindingChallenge({ identityPublicKey: other, createdAt: CREATED }) }), 'challenge'],
    ['challenge of another creation time', () => bound({ challenge: bindingChallenge({ identityPublicKey: PK, createdAt: CREATED + 1 }) }), 'challenge'],
    ['challenge in padded base64url', () => bound({ clientDataJSON: JSON.stringify({ type: 'webauthn.get', challenge: base64urlnopad.encode(bindingChallenge({ identityPublicKey: PK, createdAt: CREATED })) + '=', origin: 'https://keyprint.example' }) }), 'challenge'],
    ['challenge in standard base64', () => bound({ clientDataJSON: JSON.stringify({ type: 'webauthn.get', challenge: Buffer.from(bindingChallenge({ identityPublicKey: PK, createdAt: CREATED })).toString('base64'), origin: 'https://keyprint.example' }) }), 'challenge'],
    ['CTAP clientDataHash of another key', () => bound({ kind: 'ctap', challenge: bindingChallenge({ identityPublicKey: other, createdAt: CREATED }) }), 'challenge'],
    ['type webauthn.create', () => bound({ type: 'webauthn.create' }), 'type'],
    ['type missing', () => bound({ clientDataJSON: JSON.stringify({ challenge: 'x', origin: 'https://keyprint.example' }) }), 'type'],
    ['clientDataJSON not JSON', () => bound({ clientDataJSON: 'webauthn.get' }), 'client-data'],
    ['clientDataJSON an array', () => bound({ clientDataJSON: '[1,2]' }), 'client-data'],
    ['origin of another site', () => bound({ origin: 'https://evil.example' }), 'origin'],
    ['origin that only ends with the RP ID', () => bound({ origin: 'https://evilkeyprint.example' }), 'origin'],
    ['origin over http', () => bound({ origin: 'http://keyprint.example' }), 'origin'],
    ['origin with a path', () => bound({ origin: 'https://keyprint.example/' }), 'origin'],
    ['rpIdHash of another RP', () => bound({ authRpId: 'evil.example' }), 'rp-id'],
    ['bundle rpId differs from the signed rpIdHash', () => bound({ rpId: 'keyprint.example', authRpId: 'keyprint.example.' }), 'rp-id'],
    ['UP cleared', () => bound({ flags: 0x04 }), 'user-presence'],
    ['no flags', () => bound({ flags: 0x00 }), 'user-presence'],
    ['signed by another credential', () => bound({ signWith: makeCredential() }), 'signature'],
    ['signature bit flipped', () => { const b = makeBinding(PK, CREATED); b.signature[b.signature.length - 1] ^= 1; return bundleWith(b); }, 'signature'],
    ['authenticatorData changed after signing (signCount)', () => { const b = makeBinding(PK, CREATED); b.authenticatorData = authData('keyprint.example', 0x05, 8); return bundleWith(b); }, 'signature'],
    ['UV flag added after signing', () => { const b = makeBinding(PK, CREATED, { flags: 0x01 }); b.authenticatorData[32] = 0x05; return bundleWith(b); }, 'signature'],
    ['signature as raw r ‖ s instead of DER', () => { const b = makeBinding(PK, CREATED); b.signature = new Uint8Array(64).fill(1); return bundleWith(b); }, 'signature'],
    ['crossOrigin true', () => bound({ clientDataJSON: JSON.stringify({ type: 'webauthn.get', challenge: base64urlnopad.encode(bindingChallenge({ identityPublicKey: PK, createdAt: CREATED })), origin: 'https://keyprint.example', crossOrigin: true }) }), 'origin'],
    ['attestation of another credential', () => { const b = makeBinding(PK, CREATED); b.attestationObject = attestationObject(makeCredential()); return bundleWith(b); }, 'attestation-mismatch'],
    ['attestation with another credential id', () => { const c = makeCredential(); const b = makeBinding(PK, CREATED, { credential: c }); b.attestationObject = attestationObject(c, 'keyprint.example', new Uint8Array([1, 2, 3])); return bundleWith(b); }, 'attestation-mismatch'],
    ['attestation for another RP', () => { const c = makeCredential(); const b = makeBinding(PK, CREATED, { credential: c }); b.attestationObject = attestationObject(c, 'evil.example'); return bundleWith(b); }, 'attestation-mismatch'],
    ['attestationObject not CBOR', () => { const b = makeBinding(PK, CREATED); b.attestationObject = utf8('attestation'); return bundleWith(b); }, 'attestation-mismatch'],
    ['credential key not COSE', () => { const b = makeBinding(PK, CREATED); b.credentialPublicKey = utf8('not a key'); return bundleWith(b); }, 'credential-key'],
  ];
  it.each(cases)('%s → %s', (_n, make, reason) => {
    expect(verifyBinding(make(), { requireUserVerification: false })).toEqual({ valid: false, reason });
  });

  it('a binding copied into another identity\'s bundle fails (challenge)', () => {
    const seed2 = new Uint8Array(32).fill(3);
    const pk2 = ed25519PublicKey(seed2);
    const stolen = makeBinding(PK, CREATED);
    const b = decodeBundle(encodeBundle(signBundle({ displayName: 'Eve', identityPublicKey: pk2, createdAt: CREATED, binding: stolen }, seed2)));
    expect(verifyBinding(b)).toEqual({ valid: false, reason: 'challenge' });
  });

  it('garbage bundle → InputError', () => {
    for (const v of [undefined, null, 1, 'bundle']) expect(() => verifyBinding(v as never)).toThrow(InputError);
  });
});

describe('verifyBinding: a bundle with more than one security key (version 2)', () => {
  const BOUND = CREATED + 86_400_000;
  const second = { ...makeCredential(), credentialId: Uint8Array.of(2, 2, 2, 2) };
  const withSecond = (b: HardwareBinding) =>
    decodeBundle(encodeBundle(signBundle({ displayName: 'Ada', identityPublicKey: PK, createdAt: CREATED, binding: makeBinding(PK, CREATED), additionalBindings: [b] }, SEED)));

  it('each key signed the challenge of its own time (createdAt, boundAt): valid; userVerified only if every one was', () => {
    const later = (o: AssertionOptions): HardwareBinding => ({ ...makeBinding(PK, BOUND, { credential: second, ...o }), boundAt: BOUND });
    expect(verifyBinding(withSecond(later({ kind: 'ctap' })))).toEqual({ valid: true, userVerified: true });
    expect(verifyBinding(withSecond(later({ flags: 0x01 })))).toEqual({ valid: true, userVerified: false });
    expect(verifyBinding(withSecond(later({ flags: 0x01 })), { requireUserVerification: true }))
      .toEqual({ valid: false, reason: 'user-verification', index: 1 });
  });

  it('an added key whose assertion is over another time, or another identity, fails with its index', () => {
    // Signed over createdAt while the bundle says it was bound at BOUND.
    expect(verifyBinding(withSecond({ ...makeBinding(PK, CREATED, { credential: second }), boundAt: BOUND }))).toEqual({ valid: false, reason: 'challenge', index: 1 });
    // Copied from another identity's bundle.
    const other = ed25519PublicKey(new Uint8Array(32).fill(3));
    expect(verifyBinding(withSecond({ ...makeBinding(other, BOUND, { credential: second }), boundAt: BOUND }))).toEqual({ valid: false, reason: 'challenge', index: 1 });
    // Signed by another key than the credential it names.
    expect(verifyBinding(withSecond({ ...makeBinding(PK, BOUND, { credential: second, signWith: makeCredential() }), boundAt: BOUND }))).toEqual({ valid: false, reason: 'signature', index: 1 });
  });

  it('options.rpId applies to every key', () => {
    const b = withSecond({ ...makeBinding(PK, BOUND, { credential: second, rpId: 'other.example' }), boundAt: BOUND });
    expect(verifyBinding(b)).toEqual({ valid: true, userVerified: true });
    expect(verifyBinding(b, { rpId: 'keyprint.example' })).toEqual({ valid: false, reason: 'rp-id', index: 1 });
  });
});
