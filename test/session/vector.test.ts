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

    // recorded values (docs/PROTOCOL.md); a change here is a protocol change
    expect({
      xwingPublicKey: hex(sha(xwingA.publicKey)), kemCiphertext: hex(sha(encR.cipherText)), sharedSecret: hex(shared),
      commitment: hex(commitment), transcriptHash: hex(th), sas: hex(sas), emoji: sasEmoji(sas).map((e) => e.emoji).join(''),
      chainInitiator: hex(chainI), helloI: hex(sha(helloI)), helloR: hex(sha(helloR)), firstFrameSha256: hex(sha(frame)), firstFrameHead: hex(frame.subarray(0, 32)),
    }).toEqual(RECORDED);
    expect(unhex(RECORDED.sas)).toHaveLength(8);
  });
});

const RECORDED = {
  xwingPublicKey: 'f37b99b2db732a7df55f61fa442606133b1aeea462df9f8225fb5c82674523db',
  kemCiphertext: '8f5f475145f2c2218403a13194d58f4ec8a8da7a8e263879771a688cd6254d11',
  sharedSecret: '6480acbd8d4400d03bea8211e99ba059d07e12f47c91907f13631155a7bc7eee',
  commitment: '04db435285cd2505aedc3812bc9fd0484420ec1046f9b570c1d9347a726505e0',
  transcriptHash: '6f4251087c8f072094c95a71bf69283e1f9dbd04371026322446a5dda4abcd61',
  sas: '20704b81ee2e9818',
  emoji: '🐼🐰🐱🐢🎩😀⚽',
  chainInitiator: 'f1b7396aee90498a430a34f9bd901ea270287b9667660f212a77681a64bdc533',
  helloI: '5b81bd7e26dfb0bd06209c0d238141cfb1ea0065bca046cd75777cc758f8da1b',
  helloR: '334a81d14e354e059db284341856f90256ae1a2efb8ba1f98f309281c5631c17',
  firstFrameSha256: 'a8c4c47725162a8ca3d603cc2b11a595ad020e176be52b5bf119841a7f3c17f5',
  firstFrameHead: '020600000000000001104e21563bcb26d1f08b19e4c352c7c568751873c7272a',
};
