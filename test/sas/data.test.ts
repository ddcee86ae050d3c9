// The generated data modules in src/sas/ against the vector files they were generated from.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { EMOJI, EMOJI_NAMES } from '../../src/sas/_emoji-table.js';
import { PGP_EVEN, PGP_ODD } from '../../src/sas/_pgp-words.js';
import { ZBASE32_ALPHABET } from '../../src/sas/_zbase32.js';
import { sasLocales } from '../../src/sas/index.js';
import { vectorJson } from '../_util.js';
// @ts-expect-error — a plain .mjs script without type declarations
import { emojiModule, pgpModule, zbase32Module } from '../../scripts/gen-sas-data.mjs';

const source = (name: string) => readFileSync(new URL(`../../src/sas/${name}`, import.meta.url), 'utf8');

describe('generated data modules', () => {
  it('are what scripts/gen-sas-data.mjs writes today (regenerate if this fails)', () => {
    expect(source('_emoji-table.ts')).toBe(emojiModule());
    expect(source('_pgp-words.ts')).toBe(pgpModule());
    expect(source('_zbase32.ts')).toBe(zbase32Module());
  });

  it('matrix-spec m.sas.v1 emoji table: 64 entries in number order, names and translations as the data file', () => {
    const table = vectorJson<Array<{ number: number; emoji: string; description: string; translated_descriptions: Record<string, string | null> }>>('sas/matrix-sas-emoji.json');
    expect(EMOJI).toHaveLength(64);
    table.forEach((e, i) => {
      expect(e.number).toBe(i);
      expect(EMOJI[i]).toEqual([e.emoji, e.description]);
      for (const [locale, names] of Object.entries(EMOJI_NAMES)) expect(names[i]).toBe(e.translated_descriptions[locale] || null);
    });
    expect(new Set(EMOJI.map(([emoji]) => emoji)).size).toBe(64);
    // Spot checks named in test/vectors/SOURCES-sas-webauthn.md.
    expect(EMOJI[0]).toEqual(['🐶', 'Dog']);
    expect(EMOJI[63]).toEqual(['📌', 'Pin']);
  });

  it('lists every locale with at least one translation, and no other', () => {
    const table = vectorJson<Array<{ translated_descriptions: Record<string, string | null> }>>('sas/matrix-sas-emoji.json');
    const withNames = Object.keys(table[0].translated_descriptions).filter((l) => table.some((e) => e.translated_descriptions[l]));
    expect(sasLocales().sort()).toEqual(['en', ...withNames].sort());
    expect(sasLocales()).not.toContain('szl'); // present in the file, but every name is null
  });

  it('PGP word list: the even and odd lists of pgp-words.json, 256 unique words each, disjoint', () => {
    const words = vectorJson<{ even: string[]; odd: string[] }>('sas/pgp-words.json');
    expect(PGP_EVEN).toEqual(words.even);
    expect(PGP_ODD).toEqual(words.odd);
    expect(new Set([...PGP_EVEN, ...PGP_ODD]).size).toBe(512);
    expect([PGP_EVEN[0], PGP_ODD[0], PGP_EVEN[255], PGP_ODD[255]]).toEqual(['aardvark', 'adroitness', 'Zulu', 'Yucatan']);
  });

  it('z-base-32 alphabet: the one in zrtp-sas-vector.json, 32 distinct characters', () => {
    expect(ZBASE32_ALPHABET).toBe(vectorJson('sas/zrtp-sas-vector.json').zbase32Alphabet);
    expect(new Set(ZBASE32_ALPHABET).size).toBe(32);
  });
});
