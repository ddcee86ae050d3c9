// Encrypted messages after the handshake: text both ways with acknowledgements, the file
// sub-protocol's payloads passed through (the machine keeps no file state: transfer.ts does),
// padding buckets, the ratchet moving forward, argument checks.
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZES, MAX_TEXT_BYTES, newMessageId, PAD_BUCKETS, decodeMessage, type DataMessage, type FilePayload } from '../../src/session/index.js';
import { Chain } from '../../src/session/ratchet.js';
import { hex } from '../_util.js';
import { confirmedPair } from './_pair.js';

describe('data messages', () => {
  it('text both ways, each acknowledged with the message id', async () => {
    const p = await confirmedPair();
    const id1 = newMessageId(), id2 = newMessageId();
    p.take('a', await p.a.sendText(id1, 'hello Bob 👋', p.now));
    p.take('b', await p.b.sendText(id2, 'hi Alice', p.now));
    await p.pump();
    expect(p.of('b', 'text').map((e) => [hex(e.id), e.text])).toEqual([[hex(id1), 'hello Bob 👋']]);
    expect(p.of('a', 'text').map((e) => [hex(e.id), e.text])).toEqual([[hex(id2), 'hi Alice']]);
    expect(p.of('a', 'acked').map((e) => hex(e.id))).toEqual([hex(id1)]);
    expect(p.of('b', 'acked').map((e) => hex(e.id))).toEqual([hex(id2)]);
    expect(p.a.state.kind).toBe('Confirmed');
    expect(p.b.state.kind).toBe('Confirmed');
  });

  it('pads to fixed buckets: the frame length depends only on the bucket', async () => {
    const p = await confirmedPair();
    const sizes = new Set<number>();
    for (const n of [0, 1, 200, 230]) {
      const { send } = await p.a.sendText(newMessageId(), 'x'.repeat(n), p.now);
      sizes.add(send[0].length);
      p.take('a', { send, events: [] });
    }
    expect([...sizes]).toEqual([2 + 4 + 4 + PAD_BUCKETS[0] + 16]);
    const big = await p.a.sendText(newMessageId(), 'y'.repeat(MAX_TEXT_BYTES), p.now);
    expect((decodeMessage(big.send[0]) as DataMessage).ciphertext.length).toBe(PAD_BUCKETS[3] + 16);
    p.take('a', big);
    await p.pump();
    expect(p.of('b', 'text')).toHaveLength(5);
    expect(() => p.a.sendText(newMessageId(), 'z'.repeat(MAX_TEXT_BYTES + 1), p.now)).toThrow(/text/);
    expect(() => p.a.sendText(new Uint8Array(3), 'z', p.now)).toThrow(/"id"/);
  });

  it('file payloads: sealed in order (pipelined), chunks in their own buckets, handed on as transfer events', async () => {
    const p = await confirmedPair();
    const id = newMessageId();
    const data = new Uint8Array(CHUNK_SIZES[2] * 2 + 123).map((_, i) => (i * 7) & 0xff);
    const payloads: FilePayload[] = [
      { kind: 'file-offer', id, size: data.length, chunkBytes: CHUNK_SIZES[2], name: 'photo.jpg', mime: 'image/jpeg' },
      ...[0, 1, 2].map((index): FilePayload => ({ kind: 'file-chunk', id, index, data: data.subarray(index * CHUNK_SIZES[2], (index + 1) * CHUNK_SIZES[2]) })),
      { kind: 'file-end', id, sha256: new Uint8Array(32).fill(9) },
    ];
    const step = await p.a.sendFilePayloads(payloads, p.now);
    const frames = step.send.map((f) => decodeMessage(f) as DataMessage);
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4]);
    // a full 64 KiB chunk fills the largest bucket; the 123-byte rest the smallest that fits
    expect(frames.map((f) => f.ciphertext.length)).toEqual([256 + 16, CHUNK_SIZES[2] + 64 + 16, CHUNK_SIZES[2] + 64 + 16, 256 + 16, 256 + 16]);
    expect(Math.max(...step.send.map((f) => f.length))).toBe(10 + PAD_BUCKETS[PAD_BUCKETS.length - 1] + 16);
    p.take('a', step);
    await p.pump();
    const got = p.of('b', 'transfer').map((e) => e.payload);
    expect(got.map((x) => x.kind)).toEqual(['file-offer', 'file-chunk', 'file-chunk', 'file-chunk', 'file-end']);
    const chunks = got.filter((x): x is Extract<FilePayload, { kind: 'file-chunk' }> => x.kind === 'file-chunk');
    expect(hex(Uint8Array.from(chunks.flatMap((c) => [...c.data])))).toBe(hex(data));
    expect(got[0]).toMatchObject({ name: 'photo.jpg', mime: 'image/jpeg', size: data.length, chunkBytes: CHUNK_SIZES[2] });
    expect(p.of('a', 'acked')).toEqual([]); // file payloads are acknowledged by the sub-protocol, not per frame
    expect(p.b.state.kind).toBe('Confirmed');
  });

  it('the ratchet gives a fresh key per message and never goes back', () => {
    const c = new Chain(new Uint8Array(32).fill(5));
    const s0 = c.next(), s1 = c.next();
    expect([s0.seq, s1.seq, c.seq]).toEqual([0, 1, 2]);
    expect(hex(s0.key)).not.toBe(hex(s1.key));
    expect(hex(s0.iv)).not.toBe(hex(s1.iv));
    const again = new Chain(new Uint8Array(32).fill(5));
    expect(hex(again.next().key)).toBe(hex(s0.key)); // deterministic from the chain key
    expect(String(c)).toBe('[Chain]');
  });

  it('sending before Confirmed is refused', async () => {
    const { machine, alice, bob } = await import('./_pair.js');
    const m = machine('initiator', alice, bob);
    await expect(m.sendText(newMessageId(), 'early', 0)).rejects.toMatchObject({ code: 'invalid-state' });
  });
});
