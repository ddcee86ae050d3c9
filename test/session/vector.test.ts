// The fixed-input session test vector of docs/PROTOCOL.md "Session protocol" → "Test vector"
// (protocol version 2, the hybrid handshake): fixed identities, DTLS fingerprints, X-Wing seed,
// encapsulation randomness and nonces → commitment → transcript hash → SAS → chain keys → the first
// data frame. Recomputed independently with node:crypto and @noble/post-quantum (X-Wing).
import { createHash, hkdfSync, createCipheriv } from 'node:crypto';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { describe, expect, it } from 'vitest';
import { sasEmoji } from '../../src/sas/index.js';
import { decodeMessage, type DataMessage } from '../../src/session/index.js';
import { hex, unhex } from '../_util.js';
import { alice, bob, machine, Pair } from './_pair.js';

/**
 * A deterministic "CSPRNG", one fill byte per call: the initiator asks for its X-Wing seed (32) then
 * its nonce (32); the responder for its nonce (32) then its encapsulation randomness (64).
 */
const fixed = (...fills: number[]) => { let i = 0; return (n: number) => new Uint8Array(n).fill(fills[i++]); };
const sha = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
const lp16 = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

describe('session test vector (docs/PROTOCOL.md)', () => {
  it('fixed keys and nonces → commitment → transcript hash → SAS → first ciphertext', async () => {
    const p = new Pair(
      machine('initiator', alice, bob, { randomBytes: fixed(0x01, 0x02) }),
      machine('responder', bob, alice, { randomBytes: fixed(0x03, 0x04) }),
    );
    await p.start();
    await p.confirm('a');
    await p.confirm('b');
    const [commit, helloR, helloI] = p.wire.slice(0, 3).map((w) => w.frame);
    // independent recomputation
    const xwingA = ml_kem768_x25519.keygen(new Uint8Array(32).fill(0x01));
    const encR = ml_kem768_x25519.encapsulate(xwingA.publicKey, new Uint8Array(64).fill(0x04));
    expect(hex(commit.subarray(34))).toBe(hex(xwingA.publicKey)); // commit = 02 01 ‖ commitment ‖ pk
    expect(hex(helloR.subarray(5, 5 + 1120))).toBe(hex(encR.cipherText)); // 02 02 ‖ suite ‖ u16(1120) ‖ ct
    const commitment = sha(lp16('keyprint-session-v2 commit'), helloI);
    expect(hex(commit.subarray(2, 34))).toBe(hex(commitment));
    const th = sha(lp16('keyprint-session-v2 transcript'), u32(commit.length), commit, u32(helloR.length), helloR, u32(helloI.length), helloI);
    const sasShown = p.of('a', 'sasShown')[0];
    expect(hex(sasShown.transcriptHash)).toBe(hex(th));
    const shared = Buffer.from(encR.sharedSecret);
    expect(hex(ml_kem768_x25519.decapsulate(encR.cipherText, new Uint8Array(32).fill(0x01)))).toBe(hex(shared));
    const sas = new Uint8Array(hkdfSync('sha256', shared, th, lp16('keyprint-sas-v1'), 8));
    expect(hex(sasShown.sas)).toBe(hex(sas));
    expect(hex(p.of('b', 'sasShown')[0].sas)).toBe(hex(sas));
    const chainI = new Uint8Array(hkdfSync('sha256', shared, th, lp16('keyprint-session-v2 chain initiator'), 32));

    const id = new Uint8Array(16);
    p.take('a', await p.a.sendText(id, 'hello', p.now));
    await p.pump();
    const frame = p.wire.find((w) => w.frame[1] === 6)!.frame;
    const data = decodeMessage(frame) as DataMessage;
    expect(data.seq).toBe(0);
    // first ratchet step and AES-256-GCM, via node:crypto
    const step = Buffer.from(hkdfSync('sha256', chainI, Buffer.alloc(0), Buffer.concat([lp16('keyprint-session-v2 ratchet'), u32(0)]), 76));
    const inner = Buffer.concat([Buffer.from([1]), id, u32(5), Buffer.from('hello')]);
    const padded = Buffer.concat([u32(inner.length), inner, Buffer.alloc(256 - 4 - inner.length)]);
    const cipher = createCipheriv('aes-256-gcm', step.subarray(32, 64), step.subarray(64, 76));
    cipher.setAAD(frame.subarray(0, 6));
    const ct = Buffer.concat([cipher.update(padded), cipher.final(), cipher.getAuthTag()]);
    expect(hex(data.ciphertext)).toBe(ct.toString('hex'));

    // Files (docs/PROTOCOL.md "Files"): an offer and a first 64 KiB chunk, seq 1 and 2, recomputed the same way.
    const fid = new Uint8Array(16).fill(1);
    const chunk = new Uint8Array(65536).map((_, i) => i & 0xff);
    p.take('a', await p.a.sendFilePayloads([
      { kind: 'file-offer', id: fid, size: 70_000, chunkBytes: 65536, name: 'a.bin', mime: 'application/octet-stream' },
      { kind: 'file-chunk', id: fid, index: 0, data: chunk },
    ], p.now));
    const [offerFrame, chunkFrame] = p.wire.filter((w) => w.from === 'a' && w.frame[1] === 6).slice(1).map((w) => w.frame);
    let chainKey = step.subarray(0, 32);
    const sealAt = (seq: number, inner: Buffer, bucket: number, frame: Uint8Array) => {
      const s = Buffer.from(hkdfSync('sha256', chainKey, Buffer.alloc(0), Buffer.concat([lp16('keyprint-session-v2 ratchet'), u32(seq)]), 76));
      chainKey = s.subarray(0, 32);
      const c = createCipheriv('aes-256-gcm', s.subarray(32, 64), s.subarray(64, 76));
      c.setAAD(frame.subarray(0, 6));
      const padded = Buffer.concat([u32(inner.length), inner, Buffer.alloc(bucket - 4 - inner.length)]);
      return Buffer.concat([frame.subarray(0, 10), c.update(padded), c.final(), c.getAuthTag()]);
    };
    const lp16b = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
    const offerInner = Buffer.concat([Buffer.from([6]), fid, u32(0), u32(70_000), u32(65536), lp16b(Buffer.from('a.bin')), lp16b(Buffer.from('application/octet-stream'))]);
    expect(sealAt(1, offerInner, 256, offerFrame).toString('hex')).toBe(hex(offerFrame));
    const chunkInner = Buffer.concat([Buffer.from([8]), fid, u32(0), u32(65536), chunk]);
    expect(sealAt(2, chunkInner, 65536 + 64, chunkFrame).toString('hex')).toBe(hex(chunkFrame));
    expect(chunkFrame.length).toBe(10 + 65536 + 64 + 16);
    await p.pump();
    expect(p.of('b', 'transfer').map((e) => e.payload.kind)).toEqual(['file-offer', 'file-chunk']);

    // recorded values (docs/PROTOCOL.md); a change here is a protocol change
    expect({
      xwingPublicKey: hex(sha(xwingA.publicKey)), kemCiphertext: hex(sha(encR.cipherText)), sharedSecret: hex(shared),
      commitment: hex(commitment), transcriptHash: hex(th), sas: hex(sas), emoji: sasEmoji(sas).map((e) => e.emoji).join(''),
      chainInitiator: hex(chainI), helloI: hex(sha(helloI)), helloR: hex(sha(helloR)), firstFrameSha256: hex(sha(frame)), firstFrameHead: hex(frame.subarray(0, 32)),
      offerFrameSha256: hex(sha(offerFrame)), chunkFrameSha256: hex(sha(chunkFrame)),
    }).toEqual(RECORDED);
    expect(unhex(RECORDED.sas)).toHaveLength(8);
  });
});

// Protocol version 3 (files streamed over version 2's X-Wing handshake): every frame's first byte is 03, so all of these differ from version 2's.
const RECORDED = {
  xwingPublicKey: 'f37b99b2db732a7df55f61fa442606133b1aeea462df9f8225fb5c82674523db',
  kemCiphertext: '8f5f475145f2c2218403a13194d58f4ec8a8da7a8e263879771a688cd6254d11',
  sharedSecret: '6480acbd8d4400d03bea8211e99ba059d07e12f47c91907f13631155a7bc7eee',
  commitment: 'f6afa74bfb530ead5252b8a48fb4d665df7b14cf2d16697e83d0f92a71a9d538',
  transcriptHash: '32131735a1d378c1ecd737c4461a972518353c27b3488e703469e0443ea17b1a',
  sas: '6f8126562890709d',
  emoji: '🍕⚽🦄⌛☁️🔧🔧',
  chainInitiator: '56e1c72c6c9825832437bf94fffe7547d5722483a4b98e63df0b0a9a3e649f7c',
  helloI: '5fc9a512fd835e6fb8f6d0e76763d1a8b89f7cb9ce8352e342df78dcd166d420',
  helloR: '9696d2df117e3b1128776e006c6e6d9394d2c6a6ddb2f9ec007c8b971e51373c',
  firstFrameSha256: '265a2a0d6343362edcb954077e1ad0eac37f0940b7e0d7a0e8db9390afac6b03',
  firstFrameHead: '0306000000000000011013581516ce0d91e3f7eb7944b931abb2e384a1c67c2e',
  offerFrameSha256: 'c66c71c44face1fa4fef2972801e3018f3229f23cabc295394fac316db2cf6cc',
  chunkFrameSha256: '0eac97ff81a7c688bdbfe261bcf5f7076631dd5ca66fb818ad8ad73461caded7',
};
