// Encrypted messages after the handshake: text both ways with acknowledgements, files in chunks
// with progress, padding buckets, the ratchet moving forward, argument checks.
import { describe, expect, it } from 'vitest';
import { FILE_CHUNK_BYTES, MAX_TEXT_BYTES, newMessageId, PAD_BUCKETS, decodeMessage, type DataMessage } from '../../src/session/index.js';
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

  it('a file in chunks with progress events, acknowledged once complete; an empty file', async () => {
    const p = await confirmedPair();
    const bytes = new Uint8Array(FILE_CHUNK_BYTES * 2 + 123).map((_, i) => (i * 7) & 0xff);
    const id = newMessageId();
    const step = await p.a.sendFile(id, 'photo.jpg', 'image/jpeg', bytes, p.now);
    expect(step.send).toHaveLength(1 + 3);
    p.take('a', step);
    p.take('a', await p.a.sendFile(newMessageId(), 'empty.txt', 'text/plain', new Uint8Array(0), p.now));
    await p.pump();
    expect(p.of('b', 'fileStarted')[0]).toMatchObject({ name: 'photo.jpg', mime: 'image/jpeg', size: bytes.length });
    expect(p.of('b', 'fileProgress').slice(0, 3).map((e) => e.received)).toEqual([FILE_CHUNK_BYTES, FILE_CHUNK_BYTES * 2, bytes.length]);
    const files = p.of('b', 'file');
    expect(files).toHaveLength(2);
    expect(hex(files[0].bytes)).toBe(hex(bytes));
    expect(files[1].bytes).toHaveLength(0);
    expect(p.of('a', 'acked').map((e) => hex(e.id))).toContain(hex(id));
    expect(() => p.a.sendFile(newMessageId(), '', 'x', bytes, p.now)).toThrow(/"name"/);
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
