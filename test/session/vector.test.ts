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

    // recorded values (docs/PROTOCOL.md); a change here is a protocol change
    expect({
      commitment: hex(commitment), transcriptHash: hex(th), sas: hex(sas), emoji: sasEmoji(sas).map((e) => e.emoji).join(''),
      chainInitiator: hex(chainI), helloI: hex(sha(helloI)), helloR: hex(sha(helloR)), firstFrameSha256: hex(sha(frame)), firstFrameHead: hex(frame.subarray(0, 32)),
    }).toEqual(RECORDED);
    expect(unhex(RECORDED.sas)).toHaveLength(8);
  });
});

const RECORDED = {
  commitment: '69b7dc21f2ed7104f7f65165691e171c4331d43c04c547f7a97e6852cb286c42',
  transcriptHash: 'f48014b9dafeeaba1533e9f7bb71b9198f77df08ee2c57036b5e75071b1e112f',
  sas: '1077f447569fa71e',
  emoji: '🦄🐰🤖🚲🌵✈️🌽',
  chainInitiator: '07c968483af99e6ed9ca93b0c2cabb109261e4b1164f3449ee4b994829d81dad',
  helloI: '03d9b1da9b2dc9a3822d9cf316c199b1a5237d01886c43b94257ca9dd6f7af56',
  helloR: '4bdba230c20da94d35c57c4439260469d32dc5459ec4c55df032ba54d9bc049f',
  firstFrameSha256: 'f79b4e8498ec796b2f628cad519db3dd40b203a1684ab97d2ca05043042f61a2',
  firstFrameHead: '010600000000000001104aff08098063d669d304a072ec0367c942ad0504aa4f',
};
