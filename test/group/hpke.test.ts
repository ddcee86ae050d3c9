// HPKE for ciphersuite 0x0001 on keyprint's core: RFC 9180 Appendix A.1.1 (DHKEM(X25519,
// HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode) through @hpke/core's CipherSuite with keyprint's
// KEM, KDF and AEAD; then what a peer's bad bytes and a caller's wrong keys turn into.
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { defaultCryptoProvider, type PrivateKey, type PublicKey } from 'ts-mls';
import { hpkeCipherSuite, makeHpke } from '../../src/group/_hpke.js';
import { X25519Key } from '../../src/group/_hpke-kem.js';
import { CryptoError, InputError } from '../../src/core/index.js';
import { SUITE } from './_mls.js';
import { garbageBytes, hex, unhex, utf8 } from '../_util.js';

// RFC 9180 Appendix A.1.1 (mode_base).
const A11 = {
  info: '4f6465206f6e2061204772656369616e2055726e',
  ikmE: '7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234',
  pkEm: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  skEm: '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736',
  ikmR: '6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037',
  pkRm: '3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d',
  skRm: '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8',
  enc: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  sharedSecret: 'fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc',
  pt: '4265617574792069732074727574682c20747275746820626561757479',
  // A.1.1.1 Encryptions: sequence numbers 0 and 1.
  encryptions: [
    { aad: '436f756e742d30', ct: 'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a' },
    { aad: '436f756e742d31', ct: 'af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84' },
  ],
  // A.1.1.2 Exported Values (L = 32).
  exports: [
    { context: '', value: '3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee' },
    { context: '00', value: '2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5' },
    { context: '54657374436f6e74657874', value: 'e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931' },
  ],
};

const bytesOf = (b: ArrayBuffer): string => hex(new Uint8Array(b));

describe('RFC 9180 A.1.1', () => {
  it('DeriveKeyPair (§7.1.3) gives the recipient\'s and the ephemeral key pairs', async () => {
    const { kem } = hpkeCipherSuite();
    for (const [ikm, sk, pk] of [[A11.ikmR, A11.skRm, A11.pkRm], [A11.ikmE, A11.skEm, A11.pkEm]]) {
      const pair = await kem.deriveKeyPair(unhex(ikm));
      expect(bytesOf(await kem.serializePrivateKey(pair.privateKey))).toBe(sk);
      expect(bytesOf(await kem.serializePublicKey(pair.publicKey))).toBe(pk);
    }
  });

  it('Encap with ikmE (§4.1): enc and shared_secret', async () => {
    const { kem } = hpkeCipherSuite();
    const recipientPublicKey = await kem.deserializePublicKey(unhex(A11.pkRm));
    const { enc, sharedSecret } = await kem.encap({ recipientPublicKey, ekm: unhex(A11.ikmE) });
    expect(bytesOf(enc)).toBe(A11.enc);
    expect(bytesOf(sharedSecret)).toBe(A11.sharedSecret);
    const recipientKey = await kem.deserializePrivateKey(unhex(A11.skRm));
    expect(bytesOf(await kem.decap({ recipientKey, enc: unhex(A11.enc) }))).toBe(A11.sharedSecret);
  });

  it('sender context: both encryptions and the three exports; the recipient opens both', async () => {
    const suite = hpkeCipherSuite();
    const recipientPublicKey = await suite.kem.deserializePublicKey(unhex(A11.pkRm));
    const sender = await suite.createSenderContext({ recipientPublicKey, info: unhex(A11.info), ekm: unhex(A11.ikmE) });
    expect(bytesOf(sender.enc)).toBe(A11.enc);
    for (const e of A11.encryptions) expect(bytesOf(await sender.seal(unhex(A11.pt), unhex(e.aad)))).toBe(e.ct);
    for (const x of A11.exports) expect(bytesOf(await sender.export(unhex(x.context), 32))).toBe(x.value);
    const recipientKey = await suite.kem.deserializePrivateKey(unhex(A11.skRm));
    const recipient = await suite.createRecipientContext({ recipientKey, enc: unhex(A11.enc), info: unhex(A11.info) });
    for (const e of A11.encryptions) expect(bytesOf(await recipient.open(unhex(e.ct), unhex(e.aad)))).toBe(A11.pt);
    for (const x of A11.exports) expect(bytesOf(await recipient.export(unhex(x.context), 32))).toBe(x.value);
  });

  it('ts-mls\'s Hpke: open (single-shot, §6.1) and importSecret (§5.3) of the vector', async () => {
    const hpke = makeHpke();
    const sk = await hpke.importPrivateKey(unhex(A11.skRm));
    const [first] = A11.encryptions;
    expect(hex(await hpke.open(sk, unhex(A11.enc), unhex(first.ct), unhex(A11.info), unhex(first.aad)))).toBe(A11.pt);
    expect(hex(await hpke.importSecret(sk, new Uint8Array(0), unhex(A11.enc), 32, unhex(A11.info)))).toBe(A11.exports[0].value);
  });
});

// A ciphertext sealed to the A.1 recipient, and everything that must not open.
async function sealed() {
  const hpke = makeHpke();
  const pk = await hpke.importPublicKey(unhex(A11.pkRm));
  const sk = await hpke.importPrivateKey(unhex(A11.skRm));
  const info = utf8('info'), aad = utf8('aad');
  const { ct, enc } = await hpke.seal(pk, utf8('attack at dawn'), info, aad);
  return { hpke, pk, sk, info, aad, ct, enc };
}
const flip = (b: Uint8Array, i: number): Uint8Array => { const c = b.slice(); c[i] ^= 1; return c; };
const decryptFailed = (detail: RegExp) => expect.objectContaining({ name: 'GroupError', code: 'decrypt-failed', message: expect.stringMatching(detail) });

describe('what does not open', () => {
  it('round trip first, so the failures below are the tampering and nothing else', async () => {
    const { hpke, sk, info, aad, ct, enc } = await sealed();
    expect(new TextDecoder().decode(await hpke.open(sk, enc, ct, info, aad))).toBe('attack at dawn');
  });
  it('an altered ciphertext or tag, enc, info or aad: GroupError decrypt-failed', async () => {
    const { hpke, sk, info, aad, ct, enc } = await sealed();
    const cases: Array<[string, () => Promise<Uint8Array>]> = [
      ['first ciphertext byte', () => hpke.open(sk, enc, flip(ct, 0), info, aad)],
      ['last tag byte', () => hpke.open(sk, enc, flip(ct, ct.length - 1), info, aad)],
      ['truncated', () => hpke.open(sk, enc, ct.subarray(0, 15), info, aad)],
      ['enc', () => hpke.open(sk, flip(enc, 3), ct, info, aad)],
      ['info', () => hpke.open(sk, enc, ct, utf8('other'), aad)],
      ['aad', () => hpke.open(sk, enc, ct, info, utf8('other'))],
    ];
    for (const [what, run] of cases) await expect(run(), what).rejects.toEqual(decryptFailed(/AES-128-GCM ciphertext did not authenticate/));
  });
  it('an enc that is a low-order point (§7.1.4: the all-zero DH output is rejected)', async () => {
    const { hpke, sk, info, aad, ct } = await sealed();
    for (const enc of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      await expect(hpke.open(sk, enc, ct, info, aad)).rejects.toEqual(decryptFailed(/low-order point/));
      await expect(hpke.importSecret(sk, new Uint8Array(0), enc, 32, info)).rejects.toEqual(decryptFailed(/low-order point/));
    }
  });
  it('an enc of the wrong length names the length', async () => {
    const { hpke, sk, info, aad, ct, enc } = await sealed();
    await expect(hpke.open(sk, enc.subarray(0, 31), ct, info, aad)).rejects.toEqual(decryptFailed(/"enc" expected 32 bytes, got 31/));
  });
  it('sealing to a low-order public key throws CryptoError low-order-point', async () => {
    const hpke = makeHpke();
    const pk = await hpke.importPublicKey(new Uint8Array(32));
    await expect(hpke.seal(pk, utf8('x'), utf8('info'))).rejects.toBeInstanceOf(CryptoError);
    await expect(hpke.seal(pk, utf8('x'), utf8('info'))).rejects.toMatchObject({ code: 'low-order-point' });
  });
});

describe('keys', () => {
  it('a key of another provider (WebCrypto\'s) is refused as foreign-key, not used', async () => {
    const other = (await defaultCryptoProvider.getCiphersuiteImpl(SUITE)).hpke;
    const theirs = await other.generateKeyPair();
    const hpke = makeHpke();
    await expect(hpke.seal(theirs.publicKey, utf8('x'), utf8('info'))).rejects.toMatchObject({ name: 'GroupError', code: 'foreign-key' });
    await expect(hpke.exportPrivateKey(theirs.privateKey)).rejects.toMatchObject({ code: 'foreign-key' });
    // On the receiving side too: the caller's key is checked before anything is blamed on the peer.
    const { ct, enc } = await hpke.seal(await hpke.importPublicKey(unhex(A11.pkRm)), utf8('x'), utf8('info'));
    await expect(hpke.open(theirs.privateKey, enc, ct, utf8('info'))).rejects.toMatchObject({ code: 'foreign-key' });
    await expect(hpke.importSecret(theirs.privateKey, new Uint8Array(0), enc, 32, utf8('info'))).rejects.toMatchObject({ code: 'foreign-key' });
    const ours = await hpke.generateKeyPair();
    await expect(hpke.exportPublicKey(ours.privateKey as unknown as PublicKey)).rejects.toMatchObject({ code: 'invalid-value' });
    await expect(hpke.exportPrivateKey(ours.publicKey as unknown as PrivateKey)).rejects.toMatchObject({ code: 'invalid-value' });
    await expect(hpke.open(ours.publicKey as unknown as PrivateKey, enc, ct, utf8('info'))).rejects.toMatchObject({ code: 'invalid-value' });
  });
  it.each(garbageBytes(32))('importPrivateKey / importPublicKey: %s → %s', async (_, value, code) => {
    const hpke = makeHpke();
    await expect(hpke.importPrivateKey(value as Uint8Array)).rejects.toMatchObject({ code });
    await expect(hpke.importPublicKey(value as Uint8Array)).rejects.toMatchObject({ code });
  });
  it('a private key does not show its secret in JSON, String() or inspect', async () => {
    const { privateKey, publicKey } = await makeHpke().deriveKeyPair(unhex(A11.ikmR));
    expect(JSON.stringify({ privateKey })).toBe('{"privateKey":"[X25519Key private]"}');
    expect(String(privateKey)).toBe('[X25519Key private]');
    expect(inspect(privateKey)).toBe('[X25519Key private]');
    expect(X25519Key.bytes(publicKey as unknown as X25519Key)).toEqual(unhex(A11.pkRm));
  });
  it('authenticated modes are refused (RFC 9420 uses only mode_base)', async () => {
    const { kem } = hpkeCipherSuite();
    const r = await kem.deriveKeyPair(unhex(A11.ikmR));
    await expect(kem.encap({ recipientPublicKey: r.publicKey, senderKey: r.privateKey })).rejects.toMatchObject({ code: 'unsupported-mode' });
    await expect(kem.decap({ recipientKey: r.privateKey, enc: unhex(A11.enc), senderPublicKey: r.publicKey })).rejects.toMatchObject({ code: 'unsupported-mode' });
    await expect(kem.importKey('jwk', { kty: 'OKP' })).rejects.toBeInstanceOf(InputError);
  });
});
