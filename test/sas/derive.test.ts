// keyprint's session SAS derivation: the recorded protocol vector (docs/PROTOCOL.md), a node:crypto
// HKDF cross-check, and sensitivity to every input bit.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { hkdfSync } from 'node:crypto';
import { deriveSas, sasEmoji, sasDecimal, sasWords, sasBase32, SAS_LABEL, SAS_BYTES } from '../../src/sas/index.js';
import { hex, utf8 } from '../_util.js';
import { flipBit, runs } from './_bits.js';

/** info = u16be(len(label)) ‖ label, spelled out independently of src/sas/derive.ts. */
const info = Buffer.concat([Buffer.from([0x00, 0x0f]), Buffer.from('keyprint-sas-v1', 'ascii')]);
const reference = (ikm: Uint8Array, salt: Uint8Array) => new Uint8Array(hkdfSync('sha256', ikm, salt, info, 8));

describe('keyprint-sas-v1 (docs/PROTOCOL.md recorded vector)', () => {
  // Inputs: sharedSecret = 00 01 … 1f, transcriptHash = 20 21 … 3f.
  const sharedSecret = Uint8Array.from({ length: 32 }, (_, i) => i);
  const transcriptHash = Uint8Array.from({ length: 32 }, (_, i) => 0x20 + i);

  it('label and length are the documented ones', () => {
    expect(SAS_LABEL).toBe('keyprint-sas-v1');
    expect(utf8(SAS_LABEL)).toHaveLength(0x0f);
    expect(SAS_BYTES).toBe(8);
  });

  it('recorded: bytes and every rendering', () => {
    const sas = deriveSas(sharedSecret, transcriptHash);
    expect(hex(sas)).toBe('5da8abcc617c594c');
    expect(hex(reference(sharedSecret, transcriptHash))).toBe('5da8abcc617c594c');
    expect(sasEmoji(sas).map((e) => `${e.emoji} ${e.name}`)).toEqual([
      '🍌 Banana', '🌽 Corn', '🔧 Spanner', '✏️ Pencil', '🚂 Train', '🐘 Elephant', '🐷 Pig',
    ]);
    expect(sasDecimal(sas)).toEqual([3997, 1687, 2584]);
    expect(sasWords(sas, 5)).toEqual(['exceed', 'paramount', 'rhythm', 'revolver', 'fallout']);
    expect(sasBase32(sas)).toBe('mswk');
  });
});

describe('deriveSas properties', () => {
  it('property: equals HKDF-SHA-256 from node:crypto with the documented info, 8 bytes, deterministic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 66 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (ss, th) => {
        const sas = deriveSas(ss, th);
        expect(sas).toHaveLength(8);
        expect(hex(sas)).toBe(hex(reference(ss, th)));
        expect(hex(deriveSas(ss.slice(), th.slice()))).toBe(hex(sas));
      }),
      runs(),
    );
  });

  it('property: a single-bit change in the shared secret or transcript hash changes the SAS', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean(), fc.integer({ min: 0, max: 255 }),
        (ss, th, inSecret, bit) => {
          const before = hex(deriveSas(ss, th));
          const after = inSecret ? deriveSas(flipBit(ss, bit), th) : deriveSas(ss, flipBit(th, bit));
          expect(hex(after)).not.toBe(before);
        },
      ),
      runs(),
    );
  });
});
