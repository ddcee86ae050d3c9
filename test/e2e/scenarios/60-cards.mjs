// Printed cards in the browser (issue #10) and QR invitations (issue #9): Alice, enrolled with
// Chromium's virtual authenticator, makes her card (SVG in the page, print layout, download); the
// downloaded card round-trips through the CLI (SVG, and PNG → QR → verify with the digits); Bob
// checks a picture of it on the Card screen (a wrong digit is refused, the right ones store Alice as
// verified by card), and the camera path reads it from video frames (a canvas stream stands in for
// the device); then Bob scans Alice's invitation QR code, and the session recognises Alice by her card.
// Issue 16: pictures declaring 30000 × 30000 pixels are refused from their headers; the compact
// card's trust level is shown as Alice's claim; the CLI reads the printed text of the downloaded SVG
// (exactly what the renderer draws for its payload).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { PDFDocument } from 'pdf-lib';
import { OUT, a11y, assert, collector, enrolled } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const MM = 72 / 25.4; // PDF points per mm

/** `keyprint verify FILE --json [--digits D]` from source (tsx), as a person with the CLI would. */
async function cliVerify(file, digits) {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'verify', file, '--json', ...(digits ? ['--digits', digits] : [])];
  const r = await run(process.execPath, args, { cwd: ROOT, timeout: 30_000 }).catch((e) => e);
  assert(r.stdout, `keyprint verify ${file} printed nothing: ${r.stderr ?? r}`);
  return JSON.parse(r.stdout);
}

/** Hostile pictures (issue 16): headers declaring 30000 × 30000 pixels over a few bytes of data. */
function hostilePictures() {
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const chunk = (type, data) => Buffer.concat([u32(data.length), Buffer.from(type), data, u32(crc32(Buffer.concat([Buffer.from(type), data])))]);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', Buffer.concat([u32(30000), u32(30000), Buffer.from([8, 6, 0, 0, 0])])), chunk('IDAT', deflateSync(Buffer.alloc(8 * 120001))), chunk('IEND', Buffer.alloc(0))]);
  const sof0 = [0xff, 0xc0, 0, 17, 8, 0x75, 0x30, 0x75, 0x30, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1];
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, ...sof0, 0xff, 0xd9]);
  return { png, jpeg };
}

const visible = (page, selector) => page.evaluate((s) => [...document.querySelectorAll(s)].some((e) => e.getClientRects().length > 0), selector);

// Alice's and Bob's contexts are shared by the two tests (the second needs the lo-only netns).
let shared;
async function setup(browser, url) {
  if (shared) return shared;
  const a = await enrolled(browser, url, 'Alice', 'A');
  const b = await enrolled(browser, url, 'Bob', 'B');
  shared = { a, b };
  return shared;
}

test('cards: print my card, download it, CLI round trip, Bob verifies it from a picture', async ({ browser, url }) => {
  const { a, b } = await setup(browser, url);

  // (a) Alice's card: the library's SVG in the page, the digits also as text.
  await a.page.bringToFront();
  await a.page.getByRole('link', { name: 'Card' }).click();
  // After a reload the identity is locked: the card (signed by the identity key) asks for one touch.
  await a.page.reload();
  await a.page.getByTestId('card-needs-unlock').waitFor({ timeout: 15_000 });
  await a.page.getByTestId('card-unlock').click();
  const svg = a.page.getByTestId('card-svg').locator('svg');
  await svg.waitFor({ timeout: 15_000 });
  const half = (await a.page.getByTestId('card-digits-text').textContent()).trim();
  assert(/^(\d{5} ){5}\d{5}$/.test(half), `safety half as text, got ${half}`);
  const printed = await svg.evaluate((e) => [0, 1].map((i) => e.querySelector(`.kp-digits-${i}`)?.textContent).join(' '));
  assert(printed === half, `the card prints the safety half: ${printed} vs ${half}`);
  const title = await svg.evaluate((e) => e.querySelector('title')?.textContent);
  assert(title === 'keyprint card: Alice', `SVG title, got ${title}`);
  assert(/Alice/.test(await a.page.getByTestId('card-svg').getAttribute('aria-label')), 'card labelled for screen readers');
  await a.page.screenshot({ path: `${OUT}/cards-01-my-card.png`, fullPage: true });
  await a11y(a.page, 'card: my card');
  // On a 390 px phone, checking someone's card is reachable without scrolling past your own (issue 20 item 5).
  await a.page.setViewportSize({ width: 390, height: 844 });
  await a.page.evaluate(() => window.scrollTo(0, 0));
  const jump = await a.page.getByTestId('to-card-check').boundingBox();
  assert(jump && jump.y >= 0 && jump.y + jump.height <= 844, `"Check someone's card" on the first screen at 390 px, got ${JSON.stringify(jump)}`);
  await a.page.getByTestId('to-card-check').click();
  assert(await a.page.evaluate(() => document.activeElement?.id === 'check-title'), 'focus on the card check');
  await a.page.setViewportSize({ width: 1000, height: 900 });

  // Print layout: one 85 × 55 mm page with only the card on it.
  const pdf = await PDFDocument.load(await a.page.pdf({ preferCSSPageSize: true, printBackground: true }));
  const pages = pdf.getPages();
  const { width, height } = pages[0].getSize();
  assert(pages.length === 1 && Math.abs(width - 85 * MM) < 1 && Math.abs(height - 55 * MM) < 1,
    `print: one 85 × 55 mm page, got ${pages.length} page(s) of ${(width / MM).toFixed(1)} × ${(height / MM).toFixed(1)} mm`);
  await a.page.emulateMedia({ media: 'print' });
  for (const s of ['nav.tabs', 'header.top', 'footer.foot', '[data-testid=card-check]', '[data-testid=card-print]', '.fields']) {
    assert(!(await visible(a.page, s)), `print: ${s} hidden`);
  }
  const box = await svg.boundingBox();
  assert(Math.abs(box.width - 85 * 96 / 25.4) < 2, `print: card drawn 85 mm wide, got ${box.width}px`);
  await a.page.screenshot({ path: `${OUT}/cards-02-print.png` });
  await a.page.emulateMedia({ media: null }); // not 'screen': that would also make page.pdf() use screen styles
  await a.page.getByTestId('card-layout-a4').check();
  await a.page.getByTestId('card-svg').locator('svg[height="297mm"]').waitFor({ timeout: 10_000 });
  const sheet = await PDFDocument.load(await a.page.pdf({ preferCSSPageSize: true }));
  const s0 = sheet.getPages()[0].getSize();
  assert(sheet.getPageCount() === 1 && Math.abs(s0.width - 210 * MM) < 1 && Math.abs(s0.height - 297 * MM) < 1,
    `print: A4 sheet on one A4 page, got ${sheet.getPageCount()} page(s) of ${(s0.width / MM).toFixed(1)} × ${(s0.height / MM).toFixed(1)} mm`);
  await a.page.getByText('One card, 85 × 55 mm').click();
  await a.page.getByTestId('card-svg').locator('svg[height="55mm"]').waitFor({ timeout: 10_000 });

  // Download the SVG.
  const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.getByTestId('card-download').click()]);
  assert(download.suggestedFilename() === 'keyprint-card-alice.svg', `file name, got ${download.suggestedFilename()}`);
  const svgPath = `${OUT}/cards-alice.svg`;
  await download.saveAs(svgPath);
  const svgText = await readFile(svgPath, 'utf8');
  assert(svgText.startsWith('<?xml') && svgText.includes('width="85mm"'), 'downloaded an 85 mm SVG card');
  // The downloaded SVG is exactly what the renderer draws for its payload, so the CLI reads its printed text.
  const cliSvg = cliVerify(svgPath);
  cliSvg.catch(() => undefined);

  // (b) Round trip in Node for an identity enrolled with Chromium's virtual authenticator:
  // the downloaded SVG → PNG (resvg) → QR → verify with the digits typed.
  const pngPath = `${OUT}/cards-alice.png`;
  await writeFile(pngPath, new Resvg(svgText, { fitTo: { mode: 'width', value: 1004 }, background: '#ffffff' }).render().asPng());
  // The CLI runs while Bob works in the browser (its result is checked below).
  const cli = cliVerify(pngPath, half);
  cli.catch(() => undefined); // awaited below; a failure must not be an unhandled rejection meanwhile

  // (c) Bob checks a picture of Alice's card.
  await b.page.bringToFront();
  await b.page.getByRole('link', { name: 'Card' }).click();
  const blank = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120"><rect width="200" height="120" fill="#fff"/></svg>').render().asPng();
  await b.page.getByTestId('card-scan-file').setInputFiles({ name: 'blank.png', mimeType: 'image/png', buffer: blank });
  await b.page.getByTestId('card-check-error').filter({ hasText: 'no readable QR code' }).waitFor({ timeout: 10_000 });
  // Pictures declaring 30000 × 30000 pixels are refused from their headers, before the browser decodes them.
  const hostile = hostilePictures();
  for (const [name, mimeType, buffer, kind] of [['huge.png', 'image/png', hostile.png, 'PNG'], ['huge.jpg', 'image/jpeg', hostile.jpeg, 'JPEG']]) {
    await b.page.getByTestId('card-scan-file').setInputFiles({ name, mimeType, buffer });
    await b.page.getByTestId('card-check-error').filter({ hasText: `got 900000000 (30000 × 30000 in its ${kind} header)` }).waitFor({ timeout: 10_000 });
  }

  await b.page.getByTestId('card-scan-file').setInputFiles(pngPath);
  await b.page.getByTestId('card-checks').waitFor({ timeout: 15_000 });
  assert((await b.page.getByTestId('card-check-name').textContent()) === 'Alice', 'card of Alice');
  assert((await b.page.getByTestId('card-check-did').textContent()) === a.did, 'with Alice\'s did:key');
  const oks = await b.page.locator('[data-testid=card-checks] li').evaluateAll((l) => l.map((e) => `${e.dataset.check}=${e.dataset.ok}`));
  assert(oks.join() === 'payload=true,bundle-signature=true,expiry=true,binding=true,attestation=true', `checks before the digits, got ${oks}`);
  // A browser card is compact: its trust level and model are Alice's claim, and labelled so (issue 16).
  const claim = (await b.page.getByTestId('card-claim').textContent()).trim();
  assert(claim.includes("attested-unknown-vendor") && claim.includes("claimed by the card's holder, not checked here"), `the claim is labelled, got ${claim}`);

  // A changed digit (group 4) is refused, with the reason.
  const wrong = half.replace(/^(\d{5} \d{5} \d{5} )(\d)/, (_, p, d) => p + ((Number(d) + 1) % 10));
  await b.page.getByTestId('card-digits').fill(wrong);
  await b.page.getByTestId('card-compare').click();
  await b.page.getByTestId('card-result').filter({ hasText: 'group 4 differs' }).waitFor({ timeout: 10_000 });
  await b.page.screenshot({ path: `${OUT}/cards-03-wrong-digit.png`, fullPage: true });
  await a11y(b.page, 'card: a wrong digit typed');

  await b.page.getByTestId('card-digits').fill(half);
  await b.page.getByTestId('card-compare').click();
  await b.page.getByTestId('card-result').filter({ hasText: 'Verified by card: Alice' }).waitFor({ timeout: 10_000 });
  await b.page.setViewportSize({ width: 360, height: 780 });
  const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert(overflow <= 0, `card check: no horizontal overflow at 360 px, got ${overflow}px`);
  await b.page.screenshot({ path: `${OUT}/cards-04-verified-phone.png`, fullPage: true });
  await a11y(b.page, 'card: verified by card (360 px)');
  await b.page.setViewportSize({ width: 1000, height: 900 });

  // The camera path: getUserMedia is replaced (in the test only) by a canvas stream showing the card
  // on white at 1280 × 720, so startCamera's frame loop, <video> and jsQR run as with a real camera.
  await b.page.getByRole('button', { name: 'Check another card' }).click();
  await b.page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 1280;
    canvas.height = 720;
    const g = canvas.getContext('2d');
    const draw = () => { g.fillStyle = '#fff'; g.fillRect(0, 0, 1280, 720); g.drawImage(img, (1280 - img.width) / 2, (720 - img.height) / 2); };
    draw();
    setInterval(draw, 100); // a canvas stream only emits frames when the canvas is painted
    navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(10);
  }, `data:image/png;base64,${(await readFile(pngPath)).toString('base64')}`);
  await b.page.getByTestId('card-scan-camera').click();
  await b.page.getByTestId('card-checks').waitFor({ timeout: 15_000 });
  assert((await b.page.getByTestId('card-check-did').textContent()) === a.did, 'the camera read Alice\'s card');
  assert(await b.page.locator('video').count() === 0, 'the camera preview closes once a code is read');
  await b.page.getByRole('button', { name: 'Cancel' }).click();

  await b.page.getByRole('link', { name: 'Contacts' }).click();
  await b.page.getByTestId('contacts').filter({ hasText: a.did }).waitFor({ timeout: 5_000 });
  const stored = await b.page.evaluate((did) => new Promise((resolve, reject) => {
    const req = indexedDB.open('keyprint-web');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const get = req.result.transaction('contacts').objectStore('contacts').get(did);
      get.onsuccess = () => { resolve(get.result && { displayName: get.result.displayName, verifiedBy: get.result.verifiedBy }); req.result.close(); };
      get.onerror = () => reject(get.error);
    };
  }), a.did);
  assert(stored?.displayName === 'Alice' && stored.verifiedBy === 'card', `Bob stored Alice as verified by card, got ${JSON.stringify(stored)}`);
  await b.page.screenshot({ path: `${OUT}/cards-05-contacts-bob.png`, fullPage: true });

  const fromSvg = await cliSvg;
  assert(fromSvg.verified === true && fromSvg.printedTextCompared === true && fromSvg.svgTextRejected === undefined,
    `CLI compares the printed text of the downloaded SVG: ${JSON.stringify(fromSvg)}`);
  const r = await cli;
  assert(r.verified === true && r.printedTextCompared === true, `CLI verifies the PNG card with its digits: ${JSON.stringify(r.checks)}`);
  assert(r.identity.did === a.did && r.trust === 'unattested' && r.claimed?.trust === 'attested-unknown-vendor'
    && r.claimed.label === "claimed by the card's holder, not checked here",
  `Alice's did, unattested here, and the virtual key's trust as her claim, got ${r.identity.did} ${r.trust} ${JSON.stringify(r.claimed)}`);

  const problems = [...a.problems, ...b.problems];
  assert(problems.length === 0, problems.join('\n'));
});

test('cards: Bob scans Alice\'s invitation QR code, and the session recognises Alice by her card', async ({ browser, url, netns }) => {
  if (!netns) {
    await shared?.a.context.close();
    await shared?.b.context.close();
    return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  }
  const { a, b } = await setup(browser, url);
  // (d) The invitation as a QR code: Bob uploads a screenshot of it; Alice scans Bob's answer the same way.
  await a.page.bringToFront();
  await a.page.getByRole('link', { name: 'Connect' }).click();
  await a.page.getByTestId('create-offer').click();
  const offerQr = a.page.getByTestId('signal-qr');
  await offerQr.waitFor({ timeout: 15_000 });
  const offerText = (await a.page.getByTestId('signal-out').inputValue()).trim();
  await a.page.screenshot({ path: `${OUT}/cards-06-invite-qr.png`, fullPage: true });
  const offerPng = await offerQr.screenshot();

  await b.page.bringToFront();
  await b.page.getByRole('link', { name: 'Connect' }).click();
  await b.page.getByTestId('offer-scan-file').setInputFiles({ name: 'invitation.png', mimeType: 'image/png', buffer: offerPng });
  const answerQr = b.page.getByTestId('signal-qr');
  await answerQr.waitFor({ timeout: 15_000 });
  assert(offerText.length > 0, 'offer text shown next to its QR code');
  const answerPng = await answerQr.screenshot();

  await a.page.bringToFront();
  await a.page.getByTestId('answer-scan-file').setInputFiles({ name: 'answer.png', mimeType: 'image/png', buffer: answerPng });

  // Bob knows Alice's key from her card: his side confirms without a code; Alice (who does not know
  // Bob) compares and confirms.
  await a.page.getByTestId('sas').waitFor({ timeout: 20_000 });
  assert(!(await b.page.getByTestId('sas').count()), 'Bob is not asked to compare a code for Alice');
  await a.page.getByTestId('sas-match').click();
  await b.page.getByTestId('verified').waitFor({ timeout: 15_000 });
  const how = (await b.page.getByTestId('verified-how').textContent()).trim();
  assert(/Verified by card/.test(how), `Bob's screen says Alice was verified by card, got ${how}`);
  await b.page.screenshot({ path: `${OUT}/cards-07-recognised-by-card.png`, fullPage: true });

  const problems = [...a.problems, ...b.problems];
  assert(problems.length === 0, problems.join('\n'));
  await a.context.close();
  await b.context.close();
  shared = undefined;
});
