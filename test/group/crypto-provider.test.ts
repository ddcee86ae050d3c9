// keyprint's crypto provider for ts-mls: the suite it serves and refuses, Wycheproof AES-GCM through
// its AEAD, and how it treats bytes that come from peers (signatures, keys and MACs of the wrong
// length are invalid, not errors) and from callers (wrong types and lengths throw InputError).
import { describe, expect, it } from 'vitest';
import { ciphersuites, getCiphersuiteFromName, type CiphersuiteName } from 'ts-mls';
import { keyprintCryptoProvider, KEYPRINT_MLS_SUITE } from '../../src/group/index.js';
import { ed25519PublicKey, ed25519Sign, hmacSha256 } from '../../src/core/index.js';
import { defaultImpl, keyprintImpl } from './_mls.js';
import { garbageBytes, hex, unhex, utf8, wycheproof } from '../_util.js';

describe('the suite', () => {
  it('serves MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 with AES-128-GCM sizes and Nh = 32', async () => {
    const cs = await keyprintImpl();
    expect(cs.name).toBe(KEYPRINT_MLS_SUITE);
    expect(ciphersuites[cs.name]).toBe(1);
    expect([cs.hpke.keyLength, cs.hpke.nonceLength, cs.kdf.size]).toEqual([16, 12, 32]);
  });
  const others = (Object.keys(ciphersuites) as CiphersuiteName[]).filter((n) => n !== KEYPRINT_MLS_SUITE);
  it.each(others)('refuses %s with GroupError unsupported-suite', async (name) => {
    await expect(keyprintCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(name))).rejects.toMatchObject({
      name: 'GroupError', code: 'unsupported-suite', message: expect.stringContaining(`got ${name}; use ts-mls's defaultCryptoProvider`),
    });
  });
});

describe('wycheproof aes_gcm_test (128-bit key, 96-bit IV, 128-bit tag) through encryptAead / decryptAead', () => {
  const groups = wycheproof('aes_gcm_test').testGroups.filter((g) => g.keySize === 128 && g.ivSize === 96 && g.tagSize === 128);
  const tests = groups.flatMap((g) => g.tests);
  it('has 67 cases', () => expect(tests).toHaveLength(67));
  it('valid cases encrypt to ct ‖ tag and decrypt; invalid ones are decrypt-failed', async () => {
    const { hpke } = await keyprintImpl();
    let valid = 0, invalid = 0;
    for (const t of tests) {
      const [key, iv, aad, msg, sealed] = [unhex(t.key), unhex(t.iv), unhex(t.aad), unhex(t.msg), unhex(t.ct + t.tag)];
      if (t.result === 'valid') {
        expect(hex(await hpke.encryptAead(key, iv, aad, msg)), `tcId ${t.tcId}`).toBe(t.ct + t.tag);
        expect(hex(await hpke.decryptAead(key, iv, aad, sealed)), `tcId ${t.tcId}`).toBe(t.msg);
        valid++;
      } else if (t.result === 'invalid') {
        await expect(hpke.decryptAead(key, iv, aad, sealed), `tcId ${t.tcId}`).rejects.toMatchObject({ code: 'decrypt-failed' });
        invalid++;
      } else throw new Error(`tcId ${t.tcId}: unexpected result ${t.result}`);
    }
    expect([valid, invalid]).toEqual([40, 27]);
  });
  it('an absent aad is the empty aad (RFC 9420 §6.3.1 passes none for some ciphertexts)', async () => {
    const { hpke } = await keyprintImpl();
    const key = new Uint8Array(16).fill(1), nonce = new Uint8Array(12).fill(2);
    const ct = await hpke.encryptAead(key, nonce, undefined, utf8('x'));
    expect(ct).toEqual(await hpke.encryptAead(key, nonce, new Uint8Array(0), utf8('x')));
    expect(await hpke.decryptAead(key, nonce, undefined, ct)).toEqual(utf8('x'));
  });
  it.each(garbageBytes(16))('key: %s → %s', async (_, value, code) => {
    const { hpke } = await keyprintImpl();
    await expect(hpke.encryptAead(value as Uint8Array, new Uint8Array(12), undefined, utf8('x'))).rejects.toMatchObject({ code });
    await expect(hpke.decryptAead(value as Uint8Array, new Uint8Array(12), undefined, new Uint8Array(17))).rejects.toMatchObject({ code });
  });
  it.each(garbageBytes(12))('nonce: %s → %s', async (_, value, code) => {
    const { hpke } = await keyprintImpl();
    await expect(hpke.encryptAead(new Uint8Array(16), value as Uint8Array, undefined, utf8('x'))).rejects.toMatchObject({ code });
  });
});

describe('signatures (RFC 9420 §5.1.2)', () => {
  const seed = new Uint8Array(32).fill(7), message = utf8('framed content');
  it('signs with the 32-byte seed keygen returns; a 64-byte signature that verifies', async () => {
    const { signature } = await keyprintImpl();
    const { signKey, publicKey } = await signature.keygen();
    expect([signKey.length, publicKey.length]).toEqual([32, 32]);
    expect(publicKey).toEqual(ed25519PublicKey(signKey));
    const sig = await signature.sign(signKey, message);
    expect(await signature.verify(publicKey, message, sig)).toBe(true);
  });
  it.each(garbageBytes(32))('sign with a signKey that is %s → %s', async (_, value, code) => {
    const { signature } = await keyprintImpl();
    await expect(signature.sign(value as Uint8Array, message)).rejects.toMatchObject({ code });
  });
  it('the default provider\'s PKCS#8 signing key (48 bytes) is refused, naming the length', async () => {
    const { signKey } = await (await defaultImpl()).signature.keygen();
    expect(signKey.length).toBe(48);
    await expect((await keyprintImpl()).signature.sign(signKey, message)).rejects.toMatchObject({ message: '"seed" expected 32 bytes, got 48' });
  });
  it('peer bytes of the wrong length, an altered message and a small-order key do not verify', async () => {
    const { signature } = await keyprintImpl();
    const pk = ed25519PublicKey(seed), sig = ed25519Sign(seed, message);
    expect(await signature.verify(pk, message, sig)).toBe(true);
    expect(await signature.verify(pk.subarray(0, 31), message, sig)).toBe(false);
    expect(await signature.verify(pk, message, sig.subarray(0, 63))).toBe(false);
    expect(await signature.verify(pk, message, new Uint8Array([...sig, 0]))).toBe(false);
    expect(await signature.verify(pk, utf8('framed contenT'), sig)).toBe(false);
    // The identity point (y = 1): every "signature" with R = identity, S = 0 satisfies the cofactorless
    // equation under it; keyprint's verify refuses small-order keys (libsodium's rule).
    const identity = unhex('0100000000000000000000000000000000000000000000000000000000000000');
    expect(await signature.verify(identity, message, new Uint8Array([...identity, ...new Uint8Array(32)]))).toBe(false);
  });
});

describe('MAC (RFC 9420 §5.1) and KDF', () => {
  const key = new Uint8Array(32).fill(3), data = utf8('confirmed transcript hash');
  it('a full 32-byte tag verifies; a flipped, truncated or extended one does not', async () => {
    const { hash } = await keyprintImpl();
    const tag = hmacSha256(key, data);
    expect(await hash.mac(key, data)).toEqual(tag);
    expect(await hash.verifyMac(key, tag, data)).toBe(true);
    const flipped = tag.slice(); flipped[31] ^= 1;
    expect(await hash.verifyMac(key, flipped, data)).toBe(false);
    // MLS never truncates its MACs (membership tag §6.2, confirmation tag §8.1): a tag cut to 16 bytes
    // — which HMAC's own truncation rule (RFC 2104 §5) would accept — must not verify.
    expect(await hash.verifyMac(key, tag.subarray(0, 16), data)).toBe(false);
    expect(await hash.verifyMac(key, tag.subarray(0, 31), data)).toBe(false);
    expect(await hash.verifyMac(key, new Uint8Array([...tag, 0]), data)).toBe(false);
    expect(await hash.verifyMac(key, new Uint8Array(0), data)).toBe(false);
  });
  it('expand refuses a PRK shorter than Nh (RFC 5869 §2.3)', async () => {
    const { kdf } = await keyprintImpl();
    await expect(kdf.expand(new Uint8Array(31), new Uint8Array(0), 32)).rejects.toMatchObject({ code: 'invalid-length' });
  });
  it('randomBytes fills requests beyond getRandomValues\' 65,536-byte limit', async () => {
    const { rng } = await keyprintImpl();
    const r = rng.randomBytes(65536 * 2 + 5);
    expect(r.length).toBe(131077);
    expect(r.subarray(65536 * 2).some((b) => b !== 0) || r.subarray(0, 16).some((b) => b !== 0)).toBe(true);
  });
});
