// A4 sheets of ten cards (`keyprint card --layout a4`) verify card by card, from every form a
// sheet comes in: the PNG at 300 dpi, the SVG, keyprint's PDF, poppler's `pdftoppm -r 300` of that
// PDF, and a scanned PDF (a JPEG page). Before issue 20 each of these gave `no-qr`: one QR reader
// over the whole page sees the finder patterns of several codes and reads none.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../src/core/index.js';
import { createCard, decodeImage, readQr, renderPdf, renderPng, renderSvg, verifyCard, verifyCards, type Card } from '../../src/card/node.js';
import { chromiumIdentity, scaleTo, writeJpeg } from './_fixtures.js';

let card: Card;
let dir: string;

beforeAll(async () => {
  await ready();
  const c = chromiumIdentity({ displayName: 'Grace Hopper' });
  card = await createCard(c.bundle, { identity: c.identity, registrationClientDataJSON: c.registrationClientDataJSON });
  dir = mkdtempSync(join(tmpdir(), 'kp-sheet-'));
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const allVerified = (cards: Awaited<ReturnType<typeof verifyCards>>) => {
  expect(cards.map((c) => c.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  for (const c of cards) expect(c.error?.message ?? (c.result!.verified ? 'verified' : JSON.stringify(c.result!.checks))).toBe('verified');
};

describe('A4 sheet of ten cards', () => {
  it('the PNG at 300 dpi: one reader over the whole page finds no code; card by card, all ten verify', async () => {
    const png = renderPng(card, { layout: 'a4', dpi: 300 });
    const img = decodeImage(png);
    expect([img.width, img.height]).toEqual([2480, 3507]); // 210 × 297 mm at 300 dpi, as resvg rounds it
    expect(() => readQr(img)).toThrow(expect.objectContaining({ code: 'no-qr' })); // what verify did before
    allVerified(await verifyCards({ image: png }, { digits: card.digits }));
    expect((await verifyCard({ image: png }, { digits: card.digits })).verified).toBe(true); // the first card
  }, 120_000);

  it('the SVG: all ten verify, and the sheet as keyprint draws it has its printed text compared', async () => {
    const cards = await verifyCards({ svg: renderSvg(card, { layout: 'a4' }) });
    allVerified(cards);
    expect(cards.every((c) => c.result!.printedTextCompared)).toBe(true);
  }, 120_000);

  it('keyprint\'s PDF, and pdftoppm -r 300 of it: all ten verify', async () => {
    const pdf = await renderPdf(card, { layout: 'a4' });
    allVerified(await verifyCards({ pdf }, { digits: card.digits }));
    writeFileSync(join(dir, 'sheet.pdf'), pdf);
    execFileSync('pdftoppm', ['-png', '-r', '300', '-singlefile', join(dir, 'sheet.pdf'), join(dir, 'page')]);
    allVerified(await verifyCards({ image: new Uint8Array(readFileSync(join(dir, 'page.png'))) }, { digits: card.digits }));
  }, 120_000);

  it('a scanned PDF (one JPEG page) verifies too', async () => {
    const page = scaleTo(decodeImage(renderPng(card, { layout: 'a4', dpi: 300 })), 2480);
    const doc = await PDFDocument.create();
    const jpg = await doc.embedJpg(writeJpeg(page, 85));
    doc.addPage([595.28, 841.89]).drawImage(jpg, { x: 0, y: 0, width: 595.28, height: 841.89 });
    allVerified(await verifyCards({ pdf: await doc.save() }, { digits: card.digits }));
  }, 120_000);

  it('one card scanned on A4 paper (not where a sheet puts it) is still read as one card', async () => {
    const one = decodeImage(renderPng(card, { dpi: 300 }));
    const page = { width: 2480, height: 3508, data: new Uint8Array(2480 * 3508 * 4).fill(255) };
    for (let y = 0; y < one.height; y++) page.data.set(one.data.subarray(y * one.width * 4, (y + 1) * one.width * 4), ((y + 1200) * 2480 + 700) * 4);
    const cards = await verifyCards({ image: new Uint8Array((await import('./_fixtures.js')).writePng(page)) }, { digits: card.digits });
    expect(cards).toHaveLength(1);
    expect(cards[0].result?.verified).toBe(true);
  }, 120_000);
});
