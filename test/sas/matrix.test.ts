// Matrix m.sas.v1 emoji and decimal renderings: known answers and properties.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sasEmoji, sasDecimal, sasLocales } from '../../src/sas/index.js';
import { vectorJson } from '../_util.js';
import { flipBit, runs, bytesAndBit } from './_bits.js';

const table = vectorJson<Array<{ emoji: string; description: string; translated_descriptions: Record<string, string | null> }>>('sas/matrix-sas-emoji.json');
const entry = (i: number) => ({ emoji: table[i].emoji, name: table[i].description });
const MID = Uint8Array.of(0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc);

describe('matrix-spec m.sas.v1 emoji', () => {
  it('all-zero bytes: seven times emoji 0', () => {
    expect(sasEmoji(new Uint8Array(6))).toEqual(Array(7).fill(entry(0)));
  });

  it('all-0xFF bytes: seven times emoji 63', () => {
    expect(sasEmoji(new Uint8Array(6).fill(0xff))).toEqual(Array(7).fill(entry(63)));
  });

  it('hand-checked mid value 12 34 56 78 9a bc', () => {
    // 00010010 00110100 01010110 01111000 10011010 10111100, read in 6-bit groups:
    // 000100 100011 010001 010110 011110 001001 101010 | 111100 (unused)
    //  = 4     35     17     22     30      9     42
    //  Unicorn Santa Cactus Fire  Smiley Rooster Book
    expect(sasEmoji(MID)).toEqual([4, 35, 17, 22, 30, 9, 42].map(entry));
    expect(sasEmoji(MID).map((e) => e.name)).toEqual(['Unicorn', 'Santa', 'Cactus', 'Fire', 'Smiley', 'Rooster', 'Book']);
  });

  it('names in another locale come from the data file; missing names fall back to English', () => {
    expect(sasEmoji(MID, { locale: 'de' }).map((e) => e.name)).toEqual([4, 35, 17, 22, 30, 9, 42].map((i) => table[i].translated_descriptions.de));
    expect(sasEmoji(MID, { locale: 'pt-BR' })).toEqual(sasEmoji(MID, { locale: 'pt_BR' }));
    expect(sasEmoji(MID, { locale: 'en' })).toEqual(sasEmoji(MID));
    // "si" names only emoji 0–3: 0x00 gives its name for Dog, 0xff falls back to English "Pin".
    expect(table[0].translated_descriptions.si).toBeTruthy();
    expect(table[63].translated_descriptions.si).toBeNull();
    expect(sasEmoji(new Uint8Array(6), { locale: 'si' })[0].name).toBe(table[0].translated_descriptions.si);
    expect(sasEmoji(new Uint8Array(6).fill(0xff), { locale: 'si' })[0].name).toBe('Pin');
  });

  it('property: 7 entries from the table, for every locale, and deterministic', () => {
    const locales = sasLocales();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 64 }), fc.constantFrom(...locales), (b, locale) => {
        const out = sasEmoji(b, { locale });
        expect(out).toHaveLength(7);
        for (const e of out) {
          const i = table.findIndex((t) => t.emoji === e.emoji);
          expect(i).toBeGreaterThanOrEqual(0);
          expect(i).toBeLessThan(64);
          expect(e.name).toBe(locale === 'en' ? table[i].description : (table[i].translated_descriptions[locale.replace('-', '_')] || table[i].description));
        }
        expect(sasEmoji(b.slice(), { locale })).toEqual(out);
      }),
      runs(),
    );
  });

  it('property: emoji i is bits 6i…6i+5, big-endian', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (b) => {
        const bits = [...b].map((x) => x.toString(2).padStart(8, '0')).join('');
        const expected = Array.from({ length: 7 }, (_, i) => entry(parseInt(bits.slice(6 * i, 6 * i + 6), 2)));
        expect(sasEmoji(b)).toEqual(expected);
      }),
      runs(),
    );
  });

  it('property: flipping any of bits 0–41 changes exactly one emoji', () => {
    fc.assert(
      fc.property(bytesAndBit(6, 0, 42), ([b, bit]) => {
        const before = sasEmoji(b), after = sasEmoji(flipBit(b, bit));
        const changed = before.map((e, i) => e.emoji !== after[i].emoji);
        expect(changed.filter(Boolean)).toHaveLength(1);
        expect(changed.indexOf(true)).toBe(Math.floor(bit / 6));
      }),
      runs(),
    );
  });

  it('property: flipping a bit from 42 on (unused) changes nothing', () => {
    fc.assert(
      fc.property(bytesAndBit(6, 42), ([b, bit]) => {
        expect(sasEmoji(flipBit(b, bit))).toEqual(sasEmoji(b));
      }),
      runs(),
    );
  });
});

describe('matrix-spec m.sas.v1 decimal', () => {
  it('all-zero bytes: 1000 1000 1000', () => {
    expect(sasDecimal(new Uint8Array(5))).toEqual([1000, 1000, 1000]);
  });

  it('all-0xFF bytes: 9191 9191 9191 (8191 + 1000)', () => {
    expect(sasDecimal(new Uint8Array(5).fill(0xff))).toEqual([9191, 9191, 9191]);
  });

  it('hand-checked mid value 12 34 56 78 9a', () => {
    // 0001001000110 1000101011001 1110001001101 | 0 (unused)
    //  = 582          = 4441        = 7245       (+1000 each)
    // 582  = 512 + 64 + 4 + 2;  4441 = 4096 + 256 + 64 + 16 + 8 + 1;  7245 = 4096 + 2048 + 1024 + 64 + 8 + 4 + 1
    expect(sasDecimal(MID)).toEqual([1582, 5441, 8245]);
  });

  it('property: three numbers 1000–9191, number i = bits 13i…13i+12 + 1000, deterministic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 64 }), (b) => {
        const out = sasDecimal(b);
        const bits = [...b.subarray(0, 5)].map((x) => x.toString(2).padStart(8, '0')).join('');
        expect(out).toEqual([0, 1, 2].map((i) => parseInt(bits.slice(13 * i, 13 * i + 13), 2) + 1000));
        for (const n of out) {
          expect(Number.isInteger(n)).toBe(true);
          expect(n).toBeGreaterThanOrEqual(1000);
          expect(n).toBeLessThanOrEqual(9191);
        }
        expect(sasDecimal(b.slice())).toEqual(out);
      }),
      runs(),
    );
  });

  it('property: flipping any of bits 0–38 changes exactly the number that holds it', () => {
    fc.assert(
      fc.property(bytesAndBit(5, 0, 39), ([b, bit]) => {
        const before = sasDecimal(b), after = sasDecimal(flipBit(b, bit));
        const changed = before.map((n, i) => n !== after[i]);
        expect(changed.filter(Boolean)).toHaveLength(1);
        expect(changed.indexOf(true)).toBe(Math.floor(bit / 13));
      }),
      runs(),
    );
  });

  it('property: flipping a bit from 39 on (unused) changes nothing', () => {
    fc.assert(
      fc.property(bytesAndBit(5, 39), ([b, bit]) => {
        expect(sasDecimal(flipBit(b, bit))).toEqual(sasDecimal(b));
      }),
      runs(),
    );
  });
});
