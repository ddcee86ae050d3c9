// fast-check fuzzing of every session decoder (fixed seed): only typed errors or clean cancels,
// never a crash, and nothing accepted that does not re-encode to the same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANCEL_CODES, decodeMessage, decodePayload, encodeMessage, PAD_BUCKETS, PROTOCOL_VERSION, SessionError } from '../../src/session/index.js';
import { fcSeed } from '../_util.js';
import { alice, bob, machine, Pair } from './_pair.js';
import { feedTransfers, transferCase } from './_transfer-fuzz.js';

const codes = new Set<string>(CANCEL_CODES);
const typed = (e: unknown) => e instanceof SessionError && codes.has(e.code);

describe('decoder fuzzing', () => {
  it('decodeMessage: random bytes give a message that re-encodes identically, or a typed cancel-code error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 0, max: 6 }), (raw, type) => {
      const bytes = raw.length >= 2 ? Uint8Array.of(PROTOCOL_VERSION, type, ...raw.subarray(2)) : raw; // mostly well-headed frames
      let m;
      try { m = decodeMessage(bytes); } catch (e) { expect(typed(e)).toBe(true); return; }
      expect(Buffer.from(encodeMessage(m)).equals(Buffer.from(bytes))).toBe(true);
    }), { seed: fcSeed, numRuns: 3000 });
  });

  it('decodeMessage: single-byte mutations and truncations of real handshake frames', async () => {
    const p = new Pair(machine('initiator', alice, bob), machine('responder', bob, alice));
    await p.start();
    const frames = p.wire.map((w) => w.frame);
    fc.assert(fc.property(fc.nat(frames.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (k, pos, x, cut) => {
      const f = frames[k].slice();
      const bytes = cut ? f.subarray(0, pos % f.length) : (f[pos % f.length] ^= x, f);
      try { const m = decodeMessage(bytes); expect(Buffer.from(encodeMessage(m)).equals(Buffer.from(bytes))).toBe(true); } catch (e) { expect(typed(e)).toBe(true); }
    }), { seed: fcSeed, numRuns: 2000 });
  });

  it('decodePayload: random padded plaintexts', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.integer({ min: 0, max: 12 }), fc.boolean(), (raw, kind, bucket) => {
      let bytes = raw.length >= 5 ? Uint8Array.of(0, 0, raw[0] >> 1, raw[1], kind, ...raw.subarray(5)) : raw;
      if (bucket && bytes.length >= 5) { // most of these in the 256-byte bucket, a length that fits it, zero padding
        const n = Math.min(bytes[3], 252);
        bytes = Uint8Array.from({ length: 256 }, (_, i) => (i === 2 ? 0 : i === 3 ? n : i < 4 + n ? bytes[i] ?? 0 : 0));
      }
      try { decodePayload(bytes); } catch (e) { expect(typed(e)).toBe(true); }
    }), { seed: fcSeed, numRuns: 3000 });
  });

  it('the state machine: random frames in every handshake state end in a clean Cancelled or no change', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 6 }), fc.nat(3), async (raw, type, steps) => {
      const p = new Pair(machine('initiator', alice, bob), machine('responder', bob, alice), (_, f, i) => (i < steps ? f : null));
      await p.start();
      const victim = steps % 2 === 0 ? p.b : p.a;
      const before = victim.state.kind;
      const bytes = raw.length >= 2 ? Uint8Array.of(PROTOCOL_VERSION, type, ...raw.subarray(2)) : raw;
      const step = await victim.receive(bytes, p.now);
      const after = victim.state;
      if (after.kind === 'Cancelled') {
        expect(after.by).toBe('us');
        expect(codes.has(after.code)).toBe(true);
        expect(step.events).toEqual([{ type: 'cancelled', code: after.code, by: 'us', ...(after.peerVersion !== undefined ? { peerVersion: after.peerVersion } : {}) }]);
      } else {
        // only a responder in Created accepts an arbitrary 32-byte commitment
        expect(before).toBe('Created');
        expect(after.kind).toBe('Committed');
      }
    }), { seed: fcSeed, numRuns: 1000 });
  });
});

describe('data-phase fuzzing', () => {
  it('random data frames to a Confirmed machine: a clean cancel (decrypt-failed, replay, reorder, malformed…), never a crash', async () => {
    const { confirmedPair } = await import('./_pair.js');
    await fc.assert(fc.asyncProperty(fc.nat(3), fc.constantFrom(...PAD_BUCKETS.map((b) => b + 16)), fc.uint8Array({ minLength: 16, maxLength: 16 }), async (seq, len, head) => {
      const p = await confirmedPair();
      const ciphertext = new Uint8Array(len);
      ciphertext.set(head);
      const step = await p.b.receive(encodeMessage({ type: 'data', seq, ciphertext }), p.now);
      const s = p.b.state;
      expect(s.kind).toBe('Cancelled');
      if (s.kind === 'Cancelled') expect(step.events).toEqual([{ type: 'cancelled', code: seq === 0 ? 'decrypt-failed' : 'reorder', by: 'us' }]);
    }), { seed: fcSeed, numRuns: 1000 });
  });
});

describe('file sub-protocol fuzzing', () => {
  it('random sequences of file payloads from the peer: a violation with a cancel code or a clean run, never a throw, a store error, or bytes past a file', async () => {
    let violations = 0;
    await fc.assert(fc.asyncProperty(transferCase, async (c) => { if (await feedTransfers(c)) violations++; }), { seed: fcSeed, numRuns: 300 });
    expect(violations).toBeGreaterThan(0); // the generator does reach the checks
  });
});
