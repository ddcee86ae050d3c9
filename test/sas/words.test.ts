// PGP word list rendering (even list at even positions, odd list at odd positions).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sasWords } from '../../src/sas/index.js';
import { vectorJson } from '../_util.js';
import { flipBit, runs } from './_bits.js';

const { even, odd } = vectorJson<{ even: string[]; odd: string[] }>('sas/pgp-words.json');

describe('PGP words', () => {
  it('pgp-words.json ends: 00 00 → aardvark adroitness; ff ff → Zulu Yucatan', () => {
    expect(sasWords(Uint8Array.of(0, 0), 2)).toEqual(['aardvark', 'adroitness']);
    expect(sasWords(Uint8Array.of(0xff, 0xff), 2)).toEqual(['Zulu', 'Yucatan']);
  });

  it('the same byte gives a different word at an even and an odd position', () => {
    const [a, b, c] = sasWords(Uint8Array.of(0x42, 0x42, 0x42), 3);
    expect(a).toBe(c);
    expect(a).not.toBe(b);
    expect([a, b]).toEqual([even[0x42], odd[0x42]]);
  });

  it('property: count words, word i from the right list by position and byte, deterministic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }).chain((count) => fc.tuple(fc.constant(count), fc.uint8Array({ minLength: count, maxLength: count + 8 }))),
        ([count, b]) => {
          const out = sasWords(b, count);
          expect(out).toHaveLength(count);
          out.forEach((w, i) => {
            const list = i % 2 === 0 ? even : odd;
            expect(list.indexOf(w)).toBe(b[i]);
            expect((i % 2 === 0 ? odd : even).includes(w)).toBe(false);
          });
          expect(sasWords(b.slice(), count)).toEqual(out);
        },
      ),
      runs(),
    );
  });

  it('property: flipping a used bit changes exactly that byte\'s word; an unused bit changes nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }).chain((count) =>
          fc.tuple(fc.constant(count), fc.uint8Array({ minLength: count + 1, maxLength: count + 8 }))
            .chain(([c, b]) => fc.tuple(fc.constant(c), fc.constant(b), fc.integer({ min: 0, max: b.length * 8 - 1 })))),
        ([count, b, bit]) => {
          const before = sasWords(b, count), after = sasWords(flipBit(b, bit), count);
          const changed = before.map((w, i) => w !== after[i]);
          if (bit < count * 8) {
            expect(changed.filter(Boolean)).toHaveLength(1);
            expect(changed.indexOf(true)).toBe(bit >> 3);
          } else {
            expect(after).toEqual(before);
          }
        },
      ),
      runs(),
    );
  });
});
