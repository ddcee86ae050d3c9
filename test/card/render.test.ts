// Renderers (src/card/render-svg.ts, render-pdf.ts, render-png.ts) and the layout: deterministic
// output, everything printed that the card must show (all 30 digits, all 13 words), sizes (85 × 55 mm,
// A4 with ten cards, 300 dpi PNG), fonts that do not depend on the machine, and a PDF that poppler
// rasterises (`pdftoppm -png -r 150`) into a page whose QR code decodes.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { IdentityKeyPair, signBundle } from '../../src/identity/index.js';
import {
  CARD_HEIGHT, CARD_WIDTH, createCard, groupDigits, layoutCard, pageLayout, readCardImage, renderPdf, renderPng, renderSvg,
  CARD_FONT_FILES, resvgFontOptions, shortDid, textWidth, verifyCard, type Card,
} from '../../src/card/node.js';
import { chromiumIdentity, readPng, writePng } from './_fixtures.js';

const NOW = Date.UTC(2026, 10, 26, 12);
const hasPdftoppm = spawnSync('pdftoppm', ['-v']).error === undefined;
let card: Card;

beforeAll(async () => {
  const c = chromiumIdentity({ displayName: 'Grace Brewster Murray Hopper' });
  card = await createCard(c.bundle, { identity: c.identity, registrationClientDataJSON: c.registrationClientDataJSON, now: NOW });
});

describe('model and layout', () => {
  it('shortens the did:key for display and groups the digits', () => {
    expect(shortDid('did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw')).toBe('did:key:z6Mktwup…7oMMsw');
    expect(groupDigits('494664989645055479928911873023')).toBe('49466 49896 45055 47992 89118 73023');
  });
  it('prints all 30 digits and all 13 words, inside the card, clear of the QR code', () => {
    const texts = (prefix: string) => layoutCard(card).flatMap((p) => (p.kind === 'text' && p.id?.startsWith(prefix) ? [p.text] : []));
    expect(texts('kp-digits-').join(' ')).toBe(groupDigits(card.digits));
    expect(texts('kp-words-').join(' ')).toBe(card.words.join(' '));
    for (const p of layoutCard(card)) {
      if (p.kind !== 'text' || p.anchor !== 'start') continue;
      expect(p.x + textWidth(p.text, p.size, p.font)).toBeLessThanOrEqual(CARD_WIDTH - 40); // left of the QR box
      expect(p.y).toBeLessThan(CARD_HEIGHT);
    }
  });
  it('a long display name is shrunk, then shortened with an ellipsis', async () => {
    const id = IdentityKeyPair.generate();
    const long = await createCard(signBundle({ displayName: 'W'.repeat(60), identityPublicKey: id.publicKey, createdAt: NOW, binding: null }, id), { now: NOW });
    const name = layoutCard(long).find((p) => p.kind === 'text' && p.id === 'kp-name');
    expect(name && name.kind === 'text' && name.text.endsWith('…')).toBe(true);
  });
  it('A4 holds ten cards inside the page', () => {
    const a4 = pageLayout('a4');
    expect(a4.cards).toHaveLength(10);
    for (const c of a4.cards) {
      expect(c.x).toBeGreaterThanOrEqual(0);
      expect(c.x + CARD_WIDTH).toBeLessThanOrEqual(210);
      expect(c.y + CARD_HEIGHT).toBeLessThanOrEqual(297);
    }
  });
});

describe('SVG', () => {
  it('is deterministic: the same card gives the same bytes, and createCard is reproducible', async () => {
    expect(renderSvg(card)).toBe(renderSvg(card));
    const c = chromiumIdentity();
    const a = await createCard(c.bundle, { identity: c.identity, registrationClientDataJSON: c.registrationClientDataJSON, now: NOW });
    const b = await createCard(c.bundle, { identity: c.identity, registrationClientDataJSON: c.registrationClientDataJSON, now: NOW });
    expect(renderSvg(a)).toBe(renderSvg(b));
  });
  it('is 85 × 55 mm with a mm viewBox, escapes text, and the A4 sheet has ten copies', () => {
    const svg = renderSvg(card);
    expect(svg).toContain('width="85mm" height="55mm" viewBox="0 0 85 55"');
    expect(svg).not.toMatch(/<script|href=/);
    const a4 = renderSvg(card, { layout: 'a4' });
    expect(a4).toContain('width="210mm" height="297mm"');
    expect(a4.match(/class="kp-digits-0"/g)).toHaveLength(10);
  });
  it('escapes markup in the display name', async () => {
    const id = IdentityKeyPair.generate();
    const c = await createCard(signBundle({ displayName: 'Eve <svg onload="x">&', identityPublicKey: id.publicKey, createdAt: NOW, binding: null }, id), { now: NOW });
    const svg = renderSvg(c);
    expect(svg).not.toContain('<svg onload');
    expect(svg).toContain('Eve &lt;svg onload=&quot;x&quot;&gt;&amp;');
  });
});

describe('PNG', () => {
  it('300 dpi card is 1004 × 650 px, deterministic, and decodes', () => {
    const png = renderPng(card);
    const img = readPng(png);
    expect([img.width, img.height]).toEqual([1004, 650]);
    expect(renderPng(card)).toEqual(png);
    expect(readCardImage(png)).toEqual(card.payload);
  });
  it('uses the card fonts shipped in fonts/, never the system\'s', () => {
    const o = resvgFontOptions();
    expect(o.loadSystemFonts).toBe(false);
    expect(o.fontFiles.map((f) => f.split('/').pop()).sort()).toEqual([...CARD_FONT_FILES].sort());
  });
});

describe('PDF', () => {
  it('card and A4 layouts: sizes in points, deterministic bytes', async () => {
    const one = await renderPdf(card);
    expect(await renderPdf(card)).toEqual(one);
    const doc = await PDFDocument.load(one);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeCloseTo((85 * 72) / 25.4, 3);
    expect(height).toBeCloseTo((55 * 72) / 25.4, 3);
    const a4 = await PDFDocument.load(await renderPdf(card, { layout: 'a4' }));
    expect(a4.getPage(0).getSize().width).toBeCloseTo(595.28, 1);
  });
  it.skipIf(!hasPdftoppm)('opens in poppler: pdftoppm -png -r 150 rasterises it and the QR code decodes (card and A4)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-card-'));
    try {
      for (const layout of ['card', 'a4'] as const) {
        const pdf = join(dir, `${layout}.pdf`);
        writeFileSync(pdf, await renderPdf(card, { layout }));
        execFileSync('pdftoppm', ['-png', '-r', '150', pdf, join(dir, layout)]);
        const page = readdirSync(dir).find((f) => f.startsWith(`${layout}-`) && f.endsWith('.png'))!;
        let png: Uint8Array = new Uint8Array(readFileSync(join(dir, page)));
        if (layout === 'a4') {
          // Ten QR codes on one page confuse a single-code detector: cut out the last card, as a
          // person would after cutting the sheet.
          const full = readPng(png);
          const at = pageLayout('a4').cards[9];
          const px = (mm: number) => Math.round((mm / 25.4) * 150);
          const [x0, y0, w, h] = [px(at.x), px(at.y), px(CARD_WIDTH), px(CARD_HEIGHT)];
          const data = new Uint8Array(w * h * 4);
          for (let y = 0; y < h; y++) data.set(full.data.subarray(((y0 + y) * full.width + x0) * 4, ((y0 + y) * full.width + x0 + w) * 4), y * w * 4);
          png = writePng({ width: w, height: h, data });
        }
        expect(readCardImage(png)).toEqual(card.payload);
        if (layout === 'card') expect((await verifyCard({ image: png }, { digits: card.digits })).verified).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
  if (!hasPdftoppm) it.skip('pdftoppm (poppler-utils) is not installed: the PDF rasterisation test is skipped', () => {});
});
