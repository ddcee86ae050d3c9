// Names in any script on every card format (issue 20 item 9): the coverage table is what the font
// files draw; a name no font draws is refused with its characters; the PDF embeds the fonts and
// draws every glyph (checked in pixels against resvg's PNG — @pdf-lib/fontkit's own subsetter lost
// most glyphs of these fonts); poppler extracts the name; right-to-left runs come in visual order.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../src/core/index.js';
import { IdentityKeyPair, signBundle } from '../../src/identity/index.js';
import {
  CARD_FONT_FILES, FONT_DIR, CardError, checkPrintable, createCard, decodeImage, fontBytes, renderPdf, renderPng, textRuns, unprintable, type Card,
} from '../../src/card/node.js';
import { stripGlyphs } from '../../src/card/ttf-strip.js';
import { FONT_COVERAGE } from '../../src/card/_font-coverage.js';
import { coverage } from '../../scripts/gen-font-coverage.mjs';

const NOW = Date.UTC(2026, 0, 2);
let dir: string;
const cardFor = async (displayName: string): Promise<Card> => {
  const id = IdentityKeyPair.generate();
  return createCard(signBundle({ displayName, identityPublicKey: id.publicKey, createdAt: NOW, binding: null }, id), { now: NOW });
};

beforeAll(async () => { await ready(); dir = mkdtempSync(join(tmpdir(), 'kp-fonts-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('card fonts', () => {
  it('the coverage table is what each file in fonts/ draws (regenerate: node scripts/gen-font-coverage.mjs)', () => {
    for (const f of CARD_FONT_FILES) expect(FONT_COVERAGE[f], f).toEqual(coverage(readFileSync(join(FONT_DIR, f))));
  });

  it('a name no font draws is refused with its characters, before any card is made', async () => {
    expect(unprintable('Zoë 李雷 محمد שלום Ἀθηνᾶ Жанна 김민준 さくら')).toEqual([]);
    expect(unprintable('Zoë 李雷 🎉 ✈🎉')).toEqual(['🎉', '✈']);
    expect(unprintable('Zoë\u200d\ufe0f')).toEqual([]); // format characters draw nothing and are not refused
    expect(() => checkPrintable('Zoë 李雷 🎉')).toThrow(new CardError('unprintable', '"Zoë 李雷 🎉" cannot be printed on a card: no font here draws 🎉 (U+1F389). Leave it out of the name'));
    await expect(cardFor('Party 🎉')).rejects.toMatchObject({ code: 'unprintable' });
  });

  it('runs in visual order: right-to-left runs after what precedes them, a right-to-left paragraph reversed', () => {
    expect(textRuns('Zoë 李雷 محمد', 'sans-bold')).toEqual([
      { text: 'Zoë ', font: 'DejaVuSans-Bold.ttf', rtl: false },
      { text: '李雷', font: 'DroidSansFallback-CJK.ttf', rtl: false },
      { text: ' ', font: 'DejaVuSans-Bold.ttf', rtl: false },
      { text: 'محمد', font: 'NotoSansArabic-Bold.ttf', rtl: true },
    ]);
    expect(textRuns('שלום Shalom', 'sans-bold')).toEqual([
      { text: 'Shalom', font: 'DejaVuSans-Bold.ttf', rtl: false },
      { text: 'שלום ', font: 'NotoSansHebrew-Bold.ttf', rtl: true },
    ]);
    expect(textRuns('محمد علي', 'sans').map((r) => [r.text, r.rtl])).toEqual([['محمد علي', true]]);
  });

  it('stripGlyphs keeps the glyphs drawn (and their components), empties the rest, keeps ids, cmap and layout', () => {
    const bytes = fontBytes('DejaVuSans-Bold.ttf');
    const font = fontkit.create(bytes);
    const ids = font.layout('Zoë').glyphs.map((g) => g.id);
    const small = stripGlyphs(bytes, ids);
    expect(small.length).toBeLessThan(bytes.length);
    const again = fontkit.create(small);
    expect(again.layout('Zoë').glyphs.map((g) => g.id)).toEqual(ids);
    const commands = (id: number) => (again.getGlyph(id).path as unknown as { commands: unknown[] }).commands;
    for (const id of ids) expect(commands(id).length).toBeGreaterThan(0);
    expect(commands(font.layout('Q').glyphs[0].id)).toEqual([]);
  });
});

describe('issue 20: a card for "Zoë 李雷 محمد" in every format', () => {
  const name = 'Zoë 李雷 محمد';

  it('PDF: the fonts are embedded, and pdftotext gives the name (poppler marks the right-to-left run with U+202B…U+202C)', async () => {
    const pdf = join(dir, 'zoe.pdf');
    writeFileSync(pdf, await renderPdf(await cardFor(name)));
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    expect(text.replace(/[\u202a-\u202e]/g, '')).toContain(name);
    const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' });
    for (const f of ['DejaVuSans-Bold', 'DroidSansFallback', 'NotoSansArabic-Bold']) expect(fonts).toMatch(new RegExp(`${f}\\S* +CID TrueType +Identity-H +yes`));
    expect(fonts).not.toMatch(/Helvetica|Courier/);
  }, 60_000);

  it('PDF and PNG draw the same name: its ink in pdftoppm\'s raster is within 15 % of resvg\'s (no lost glyph)', async () => {
    const card = await cardFor(name);
    const pdf = join(dir, 'ink.pdf');
    writeFileSync(pdf, await renderPdf(card));
    execFileSync('pdftoppm', ['-png', '-r', '300', '-singlefile', pdf, join(dir, 'ink')]);
    // The name line: x 4–43.5 mm, y 3–8 mm of the card (layout.ts).
    const ink = (img: { width: number; data: Uint8Array }) => {
      const px = img.width / 85;
      let n = 0;
      for (let y = Math.round(3 * px); y < Math.round(8 * px); y++) for (let x = Math.round(4 * px); x < Math.round(43.5 * px); x++) if (img.data[(y * img.width + x) * 4] < 128) n++;
      return n;
    };
    const fromPdf = ink(decodeImage(new Uint8Array(readFileSync(join(dir, 'ink.png')))));
    const fromPng = ink(decodeImage(renderPng(card)));
    expect(fromPng).toBeGreaterThan(2000);
    expect(Math.abs(fromPdf - fromPng) / fromPng).toBeLessThan(0.15);
  }, 60_000);
});
