// The fixed-input session test vector of docs/PROTOCOL.md "Session protocol" → "Test vector":
// fixed identities, DTLS fingerprints, ephemeral keys and nonces → commitment → transcript hash →
// SAS → chain keys → the first data frame. Recomputed independently with node:crypto.
import { createHash, hkdfSync, createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sasEmoji } from '../../src/sas/index.js';
import { decodeMessage, type DataMessage } from '../../src/session/index.js';
import { hex, unhex } from '../_util.js';
import { alice, bob, machine, Pair } from './_pair.js';

/** A deterministic "CSPRNG": the first call gives the ephemeral secret, the second the nonce. */
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
    const commitment = sha(lp16('keyprint-session-v1 commit'), helloI);
    expect(hex(commit.subarray(2))).toBe(hex(commitment));
    const th = sha(lp16('keyprint-session-v1 transcript'), u32(commit.length), commit, u32(helloR.length), helloR, u32(helloI.length), helloI);
    const sasShown = p.of('a', 'sasShown')[0];
    expect(hex(sasShown.transcriptHash)).toBe(hex(th));
    // X25519 of secret 0x01… with 0x03…'s public key, via node:crypto
    const { createPrivateKey, createPublicKey, diffieHellman } = await import('node:crypto');
    const priv = (b: number) => createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.alloc(32, b)]), format: 'der', type: 'pkcs8' });
    const shared = diffieHellman({ privateKey: priv(0x01), publicKey: createPublicKey(priv(0x03)) });
    const sas = new Uint8Array(hkdfSync('sha256', shared, th, lp16('keyprint-sas-v1'), 8));
    expect(hex(sasShown.sas)).toBe(hex(sas));
    const chainI = new Uint8Array(hkdfSync('sha256', shared, th, lp16('keyprint-session-v1 chain initiator'), 32));

    const id = new Uint8Array(16);
    p.take('a', await p.a.sendText(id, 'hello', p.now));
    await p.pump();
    const frame = p.wire.find((w) => w.frame[1] === 6)!.frame;
    const data = decodeMessage(frame) as DataMessage;
    expect(data.seq).toBe(0);
    // first ratchet step and AES-256-GCM, via node:crypto
    const step = Buffer.from(hkdfSync('sha256', chainI, Buffer.alloc(0), Buffer.concat([lp16('keyprint-session-v1 ratchet'), u32(0)]), 76));
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
      const s = Buffer.from(hkdfSync('sha256', chainKey, Buffer.alloc(0), Buffer.concat([lp16('keyprint-session-v1 ratchet'), u32(seq)]), 76));
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
      commitment: hex(commitment), transcriptHash: hex(th), sas: hex(sas), emoji: sasEmoji(sas).map((e) => e.emoji).join(''),
      chainInitiator: hex(chainI), helloI: hex(sha(helloI)), helloR: hex(sha(helloR)), firstFrameSha256: hex(sha(frame)), firstFrameHead: hex(frame.subarray(0, 32)),
      offerFrameSha256: hex(sha(offerFrame)), chunkFrameSha256: hex(sha(chunkFrame)),
    }).toEqual(RECORDED);
    expect(unhex(RECORDED.sas)).toHaveLength(8);
  });
});

// Protocol version 2 (files streamed): every frame's first byte is 02, so all of these differ from version 1's.
const RECORDED = {
  commitment: '1ac9b01d0adad61fa90f61a75ca62db9d51685d043cb5fb422e1a712973d8179',
  transcriptHash: '60d5f2b008e9932f18e4891e943452e299b3e52df871ec8b74d4cd9397aab4cf',
  sas: '4fa539184e18ba12',
  emoji: '🌏🎺🌙🎸🐘🦄⚽',
  chainInitiator: 'c65c61fae38e2ddac27d6c683439ebf9905cbef4bd40a3e6d2e1564df6ba3ae9',
  helloI: 'd355ca5860c93fa2a6dddc5e25ea8ac32fceb7f0025607d589105f0c8c099426',
  helloR: '1a101e1a81225cc00d07fcfd6997ed726c202e7e2d0c5389061704285f942fe5',
  firstFrameSha256: '0e3614b7cfbba32aa3d97334c85e5922a62f45d248b59b4a33f01f1c700152c9',
  firstFrameHead: '020600000000000001109da221c52a71200b3138f056ab73c30bee768fed2ab2',
  offerFrameSha256: '666cb146b697742ca9981da2407ec890b8d38c06813df3f472a22c0d25213151',
  chunkFrameSha256: '38f6b3f1ecc7ebb6b54edac8f7f48c4b23569b9be304499a864505a84294e26a',
};
