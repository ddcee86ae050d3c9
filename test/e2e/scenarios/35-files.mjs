// Files between two browsers (issue "Files of any size"; needs the lo-only netns): 48 MiB streamed
// through the origin-private file system with a progress bar on both sides and the same SHA-256
// after a real download; a text typed during a transfer shown on the other side within a second;
// above the auto-accept size the receiver is asked (decline, then receive); a cancel by the receiver
// leaves no partial file; a reload of the receiver, then of the sender, mid-transfer: each resumes
// after reconnecting and the file arrives whole. Browser ↔ terminal (`keyprint chat --json`): a file
// each way with the same SHA-256, the terminal asked first above its --auto-accept size, progress on
// the web side. 512 MiB browser ↔ browser: `npm run test:slow` (test/slow/web-files.test.ts).
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUT, assert, collector, connectPair, enrolled, heapPeak, linkPages, unlock } from '../harness.mjs';
import { browserInvitesTerminal, chatProcess, compareAndConfirm, terminalIdentity, type } from '../terminal.mjs';

const { test, tests } = collector();
export { tests };

const MiB = 1024 * 1024;

/** A file of `mib` MiB on disk (different in every MiB) and its SHA-256. */
export function makeFile(name, mib) {
  const path = join(mkdtempSync(join(tmpdir(), 'kp-e2e-file-')), name);
  const fd = openSync(path, 'w');
  const h = createHash('sha256');
  const buf = Buffer.alloc(MiB);
  for (let i = 0; i < mib; i++) {
    for (let j = 0; j < MiB; j += 4) buf.writeUInt32BE((i * 2654435761 + j) >>> 0, j);
    writeSync(fd, buf);
    h.update(buf);
  }
  closeSync(fd);
  return { path, name, size: mib * MiB, sha256: h.digest('hex'), remove: () => rmSync(dirname(path), { recursive: true, force: true }) };
}

/** The message of a file in a page's conversation. */
const fileMsg = (page, dir, name) => page.getByTestId(dir === 'out' ? 'msg-out' : 'msg-in').filter({ hasText: name });

/** Downloads a received file and returns its size and SHA-256. */
export async function download(page, name) {
  const link = fileMsg(page, 'in', name).getByTestId('file-download');
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), link.click()]);
  const path = await d.path();
  const h = createHash('sha256');
  let size = 0;
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(MiB);
  for (let n; (n = readSync(fd, buf, 0, MiB, null)) > 0; size += n) h.update(buf.subarray(0, n));
  closeSync(fd);
  return { size, sha256: h.digest('hex'), name: d.suggestedFilename() };
}

/**
 * Sends `text` from one page and returns the milliseconds until the other page shows it, both
 * measured in the pages on the same clock (a MutationObserver on the receiver, the submit on the
 * sender), so Playwright's round trips under load do not count.
 */
export async function textLatency(from, to, text) {
  await to.evaluate((t) => {
    const seen = () => [...document.querySelectorAll('[data-testid="msg-in"]')].some((e) => e.textContent.includes(t));
    globalThis.__kpArrived = new Promise((resolve) => {
      const o = new MutationObserver(() => { if (seen()) { o.disconnect(); resolve(Date.now()); } });
      o.observe(document.body, { childList: true, subtree: true, characterData: true });
    });
  }, text);
  const sent = await from.evaluate((t) => {
    const draft = document.querySelector('[data-testid="draft"]');
    draft.value = t;
    draft.dispatchEvent(new Event('input', { bubbles: true }));
    const at = Date.now();
    draft.form.requestSubmit();
    return at;
  }, text);
  return (await to.evaluate(() => globalThis.__kpArrived)) - sent;
}

/** Both pages verified and on Chat. */
async function chatting(browser, url) {
  const { a, b } = await connectPair(browser, url);
  await a.page.getByTestId('sas-match').click();
  await b.page.getByTestId('sas-match').click();
  await a.page.getByTestId('open-chat').click({ timeout: 15_000 });
  await b.page.getByTestId('open-chat').click({ timeout: 15_000 });
  return { a, b };
}

/** No page errors or console errors on either page; both contexts closed. */
async function finish(a, b) {
  const problems = [...a.problems, ...b.problems];
  assert(problems.length === 0, problems.join('\n'));
  await a.context.close();
  await b.context.close();
}

/** The OPFS file names of a page (keyprint-files). */
const opfsNames = (page) => page.evaluate(async () => {
  const root = await navigator.storage.getDirectory();
  const out = [];
  try { for await (const n of (await root.getDirectoryHandle('keyprint-files')).keys()) out.push(n); } catch { /* none yet */ }
  return out;
});

test('files: browser ↔ browser — 48 MiB with progress and the same SHA-256, a text meanwhile within a second, consent, cancel', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const { a, b } = await chatting(browser, url);
  const big = makeFile('film.bin', 48);
  try {
    const heaps = [await heapPeak(a.page), await heapPeak(b.page)];
    const t0 = Date.now();
    await a.page.getByTestId('file-in').setInputFiles(big.path);
    // Progress on both sides while it runs.
    await fileMsg(b.page, 'in', big.name).getByTestId('file-progress-in').waitFor({ timeout: 30_000 });
    await fileMsg(a.page, 'out', big.name).getByTestId('file-progress-out').waitFor({ timeout: 30_000 });
    await a.page.screenshot({ path: `${OUT}/files-01-sending.png`, fullPage: true });
    await b.page.screenshot({ path: `${OUT}/files-02-receiving.png`, fullPage: true });
    // Texts typed during the transfer, timed in the pages (Playwright's own round trips excluded).
    const latencies = [];
    for (const text of ['while the film travels', 'still travelling', 'nearly there']) latencies.push(await textLatency(a.page, b.page, text));
    const latency = [...latencies].sort((x, y) => x - y)[1];
    const during = await fileMsg(b.page, 'in', big.name).getByTestId('file-download').count() === 0;
    await fileMsg(b.page, 'in', big.name).getByTestId('file-download').waitFor({ timeout: 120_000 });
    const ms = Date.now() - t0;
    const [heapA, heapB] = await Promise.all(heaps.map((h) => h.stop()));
    const got = await download(b.page, big.name);
    assert(got.size === big.size && got.sha256 === big.sha256, `same bytes: ${JSON.stringify(got)}`);
    assert(got.name === big.name, `download name, got ${got.name}`);
    await fileMsg(a.page, 'out', big.name).getByTestId('file-state').filter({ hasText: 'delivered' }).waitFor({ timeout: 15_000 });
    await b.page.screenshot({ path: `${OUT}/files-03-received.png`, fullPage: true });
    console.log(`  files: 48 MiB browser → browser in ${ms} ms incl. the sealed copy (${(48 / (ms / 1000)).toFixed(1)} MiB/s); texts during it in ${latencies.join(', ')} ms${during ? ' (before the file was done)' : ''}; peak JS heap + buffers: sender ${heapA.toFixed(0)} MiB, receiver ${heapB.toFixed(0)} MiB`);
    // Nothing holds the file (the version that held files whole peaked at 180–200 MiB for 16 MiB);
    // what is measured is mostly garbage not yet collected. Flat up to 512 MiB: test/slow/web-files.test.ts.
    assert(heapA < 128 && heapB < 128, `page memory does not grow with the file: sender ${heapA.toFixed(1)} MiB, receiver ${heapB.toFixed(1)} MiB`);
    // Within a second (the median of three: two headless pages on 2 shared cores have single
    // outliers of 1–3 s under load, docs/BENCHMARKS.md "File transfers"); a text queued behind the
    // file would take the whole transfer.
    assert(latency < 1000, `texts during the transfer within a second, took ${latencies.join(', ')} ms`);

    // Above Bob's auto-accept size: asked first; declined, then received.
    await b.page.getByRole('link', { name: 'Settings' }).click();
    await b.page.getByTestId('auto-accept').fill('1');
    await b.page.getByTestId('auto-accept').dispatchEvent('change');
    await b.page.getByRole('link', { name: 'Chat' }).click();
    const four = makeFile('report.pdf', 4);
    try {
      await a.page.getByTestId('file-in').setInputFiles(four.path);
      await fileMsg(b.page, 'in', four.name).getByTestId('file-decline').click({ timeout: 20_000 });
      await fileMsg(a.page, 'out', four.name).getByTestId('file-state').filter({ hasText: 'Bob declined "report.pdf".' }).waitFor({ timeout: 15_000 });
      assert((await opfsNames(b.page)).every((n) => !n.startsWith('in-')), 'nothing written for a declined file');
      await a.page.getByTestId('file-in').setInputFiles(four.path);
      const offered = fileMsg(b.page, 'in', four.name).filter({ has: b.page.getByTestId('file-accept') });
      await b.page.screenshot({ path: `${OUT}/files-04-offered.png`, fullPage: true });
      await offered.getByTestId('file-accept').click({ timeout: 20_000 });
      await fileMsg(b.page, 'in', four.name).getByTestId('file-download').last().waitFor({ timeout: 30_000 });
      // "Save to disk…" (File System Access): streamed from the page's storage into the file picked,
      // here a file the stand-in picker makes in the origin-private file system.
      await b.page.evaluate(() => {
        globalThis.showSaveFilePicker = async ({ suggestedName }) => {
          const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked', { create: true });
          return dir.getFileHandle(suggestedName, { create: true });
        };
      });
      await fileMsg(b.page, 'in', four.name).getByTestId('file-save').last().click();
      let saved;
      for (let i = 0; i < 150 && !saved; i++) {
        saved = await b.page.evaluate(async (name) => {
          const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked', { create: true });
          const f = await (await dir.getFileHandle(name).catch(() => undefined))?.getFile();
          if (!f || f.size === 0) return undefined;
          return { size: f.size, sha256: [...new Uint8Array(await crypto.subtle.digest('SHA-256', await f.arrayBuffer()))].map((x) => x.toString(16).padStart(2, '0')).join('') };
        }, four.name);
        if (!saved) await b.page.waitForTimeout(100);
      }
      assert(saved.size === four.size && saved.sha256 === four.sha256, `saved to disk with the same bytes: ${JSON.stringify(saved)}`);
    } finally {
      four.remove();
    }

    // Bob cancels a transfer halfway: Alice is told, Bob keeps no partial file.
    await b.page.getByRole('link', { name: 'Settings' }).click();
    await b.page.getByTestId('auto-accept').fill('100');
    await b.page.getByTestId('auto-accept').dispatchEvent('change');
    await b.page.getByRole('link', { name: 'Chat' }).click();
    const again = makeFile('again.bin', 48);
    await a.page.getByTestId('file-in').setInputFiles(again.path);
    await fileMsg(b.page, 'in', 'again.bin').getByTestId('file-cancel').click({ timeout: 30_000 });
    again.remove();
    await fileMsg(a.page, 'out', 'again.bin').getByTestId('file-state').filter({ hasText: 'Bob cancelled "again.bin".' }).waitFor({ timeout: 15_000 });
    for (let i = 0; i < 50 && (await opfsNames(b.page)).some((n) => n.startsWith('in-')); i++) await b.page.waitForTimeout(100);
    assert((await opfsNames(b.page)).every((n) => !n.startsWith('in-')), `no partial file after a cancel: ${await opfsNames(b.page)}`);
    assert(await a.page.getByTestId('cancelled').count() === 0, 'the chat goes on');
    await b.page.setViewportSize({ width: 360, height: 780 });
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `Chat with files: no horizontal overflow at 360 px, got ${overflow}px`);
  } finally {
    big.remove();
  }
  await finish(a, b);
});

test('files: a reload of the receiver, then of the sender, mid-transfer — each resumes after reconnecting, same SHA-256', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const { a, b } = await chatting(browser, url);
  const f = makeFile('backup.tar', 64);
  const reconnect = async () => {
    await a.page.getByRole('link', { name: 'Contacts' }).click();
    await a.page.getByTestId('contact').filter({ hasText: 'Bob' }).getByTestId('reconnect').click();
    await b.page.getByRole('link', { name: 'Connect' }).click();
    if (await b.page.getByTestId('cancelled').count()) await b.page.getByRole('button', { name: 'Start over' }).click();
    await linkPages(a, b, 'verified');
    await a.page.getByTestId('open-chat').click();
    await b.page.getByTestId('open-chat').click();
  };
  /** Bytes the page's progress bar shows for the file. */
  const progressOf = (page, dir) => fileMsg(page, dir, f.name).locator('progress').evaluate((p) => p.value).catch(() => 0);
  try {
    await a.page.getByTestId('file-in').setInputFiles(f.path);
    const until = async (page, dir, bytes) => { for (let i = 0; i < 600 && (await progressOf(page, dir)) < bytes; i++) await page.waitForTimeout(50); };
    await until(b.page, 'in', 16 * MiB);
    await b.page.reload(); // the receiver's page goes away mid-transfer
    await unlock(b);
    await b.page.getByRole('link', { name: 'Chat' }).click();
    await fileMsg(b.page, 'in', f.name).getByTestId('file-state').filter({ hasText: 'paused' }).waitFor({ timeout: 15_000 });
    await fileMsg(a.page, 'out', f.name).getByTestId('file-state').filter({ hasText: 'paused' }).waitFor({ timeout: 30_000 });
    await reconnect();
    await until(a.page, 'out', 40 * MiB);
    await a.page.reload(); // now the sender's
    await unlock(a);
    await a.page.getByRole('link', { name: 'Chat' }).click();
    await fileMsg(a.page, 'out', f.name).getByTestId('file-state').filter({ hasText: 'paused' }).waitFor({ timeout: 15_000 });
    await reconnect();
    await fileMsg(b.page, 'in', f.name).getByTestId('file-download').waitFor({ timeout: 120_000 });
    const got = await download(b.page, f.name);
    assert(got.size === f.size && got.sha256 === f.sha256, `same bytes after two reloads: ${JSON.stringify(got)}`);
    await fileMsg(a.page, 'out', f.name).getByTestId('file-state').filter({ hasText: 'delivered' }).waitFor({ timeout: 15_000 });
    assert((await opfsNames(a.page)).every((n) => !n.startsWith('out-')), 'the sealed copy is deleted once delivered');
  } finally {
    f.remove();
  }
  await finish(a, b);
});

test('files: browser ↔ terminal — 24 MiB each way, same SHA-256, the terminal asked above its --auto-accept size, progress in the page', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const [term, a] = await Promise.all([terminalIdentity('Terminal Tess'), enrolled(browser, url, 'Alice', 'A')]);
  const inbox = join(term.home, 'inbox');
  const chat = chatProcess(['--home', term.home, '--device', term.device, '--bind', '127.0.0.1', '--files', inbox, '--auto-accept', '16M']);
  const toTerm = makeFile('from-browser.bin', 24), toPage = makeFile('from-terminal.bin', 24);
  try {
    await chat.next(type('ready'), 'unlock');
    const { sas } = await browserInvitesTerminal(a.page, chat);
    await compareAndConfirm(a.page, chat, sas);
    await a.page.getByTestId('open-chat').click();

    // Browser → terminal: above the terminal's 16 MiB, it is asked before anything is written.
    await a.page.getByTestId('file-in').setInputFiles(toTerm.path);
    const offer = await chat.next(type('file-offer'), 'the offer', 60_000);
    assert(offer.ask === true && offer.name === toTerm.name && offer.size === toTerm.size, `asked with name and size: ${JSON.stringify(offer)}`);
    await fileMsg(a.page, 'out', toTerm.name).getByTestId('file-state').filter({ hasText: 'waiting for them to accept' }).waitFor({ timeout: 15_000 });
    chat.send(`/accept-file ${offer.id.slice(0, 8)}`);
    await fileMsg(a.page, 'out', toTerm.name).getByTestId('file-progress-out').waitFor({ timeout: 15_000 });
    const t0 = Date.now();
    const got = await chat.next(type('file'), 'the file', 120_000);
    const up = Date.now() - t0;
    const h = createHash('sha256').update(readFileSync(got.path)).digest('hex');
    assert(got.size === toTerm.size && h === toTerm.sha256, `the terminal has the same bytes: ${JSON.stringify(got)} ${h}`);
    await fileMsg(a.page, 'out', toTerm.name).getByTestId('file-state').filter({ hasText: 'delivered' }).waitFor({ timeout: 15_000 });

    // Terminal → browser: below the page's 100 MiB, received at once, with a progress bar.
    const t1 = Date.now();
    chat.send(`/file ${toPage.path}`);
    await fileMsg(a.page, 'in', toPage.name).getByTestId('file-progress-in').waitFor({ timeout: 30_000 });
    await fileMsg(a.page, 'in', toPage.name).getByTestId('file-download').waitFor({ timeout: 120_000 });
    const down = Date.now() - t1;
    const back = await download(a.page, toPage.name);
    assert(back.size === toPage.size && back.sha256 === toPage.sha256, `the page has the same bytes: ${JSON.stringify(back)}`);
    await a.page.screenshot({ path: `${OUT}/files-05-terminal.png`, fullPage: true });
    console.log(`  files: 24 MiB browser → terminal in ${up} ms after /accept-file, terminal → browser in ${down} ms incl. the offer`);
    assert(a.problems.length === 0, a.problems.join('\n'));
  } finally {
    toTerm.remove();
    toPage.remove();
    await chat.quit();
    await a.context.close();
    term.close();
  }
});

test('files (slow): browser ↔ browser — 512 MiB, the same SHA-256, page memory flat', async ({ browser, url, netns }) => {
  if (process.env.KEYPRINT_SLOW !== '1') return 'skipped (slow: npm run test:slow)';
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const { a, b } = await chatting(browser, url);
  const f = makeFile('disk.img', 512);
  try {
    const heaps = [await heapPeak(a.page), await heapPeak(b.page)];
    const t0 = Date.now();
    await a.page.getByTestId('file-in').setInputFiles(f.path);
    await fileMsg(b.page, 'in', f.name).getByTestId('file-accept').click({ timeout: 300_000 }); // above the 100 MiB auto-accept size
    await fileMsg(b.page, 'in', f.name).getByTestId('file-progress-in').waitFor({ timeout: 60_000 });
    const latencies = [];
    for (const text of ['one', 'two', 'three']) latencies.push(await textLatency(a.page, b.page, text));
    await fileMsg(b.page, 'in', f.name).getByTestId('file-download').waitFor({ timeout: 1_200_000 });
    const ms = Date.now() - t0;
    const [heapA, heapB] = await Promise.all(heaps.map((h) => h.stop()));
    const got = await download(b.page, f.name);
    assert(got.size === f.size && got.sha256 === f.sha256, `same bytes: ${JSON.stringify(got)}`);
    console.log(`  files (slow): 512 MiB browser → browser in ${(ms / 1000).toFixed(1)} s incl. the sealed copy (${(512 / (ms / 1000)).toFixed(1)} MiB/s); texts during it in ${latencies.join(', ')} ms; peak JS heap + buffers: sender ${heapA.toFixed(0)} MiB, receiver ${heapB.toFixed(0)} MiB`);
    // The same bound as for 48 MiB: memory does not grow with the file.
    assert(heapA < 128 && heapB < 128, `page memory flat: sender ${heapA.toFixed(1)} MiB, receiver ${heapB.toFixed(1)} MiB`);
    assert([...latencies].sort((x, y) => x - y)[1] < 1000, `texts during the transfer within a second, took ${latencies.join(', ')} ms`);
  } finally {
    f.remove();
  }
  await finish(a, b);
});
