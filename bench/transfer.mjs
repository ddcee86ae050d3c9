#!/usr/bin/env node
// `npm run bench:transfer [-- SIZE_MIB]` (issue "Files of any size"; not a timed test): one file of
// 256 MiB (default) sent over real WebRTC on loopback, inside the e2e runner's lo-only network
// namespace (test/e2e/netns.mjs --runner; root), for each pair:
//   terminal → terminal   two `keyprint chat --json` processes
//   browser → browser     two headless Chromium pages of the web app (dist-web)
//   browser → terminal, terminal → browser
//   raw Chromium data channel, 64 KiB messages, no crypto: the ceiling the browser pairs run under
// Printed per pair: MiB/s from the receiver's offer to its verified file, and from choosing the file
// (the browser seals a copy into its storage first), and peak memory: VmHWM (peak resident set) of
// each terminal process and of each page's renderer process, and each page's peak JS heap plus
// ArrayBuffers (DevTools). Results in docs/BENCHMARKS.md "File transfers".
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../web/serve.mjs';
import { connectPair, enrolled, heapPeak } from '../test/e2e/harness.mjs';
import { browserInvitesTerminal, chatProcess, compareAndConfirm, terminalIdentity, type } from '../test/e2e/terminal.mjs';
import { makeFile } from '../test/e2e/scenarios/35-files.mjs';

const MIB = Number(process.argv[2] ?? 256);
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--allow-loopback-in-peer-connection'];

/** Peak resident set (VmHWM) of a process, or the largest of those of several still running, MiB. */
function peakRss(pids) {
  let peak = 0;
  for (const pid of [pids].flat()) {
    try { peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024); } catch { /* a process the page left */ }
  }
  return peak;
}

/** Chromium renderer processes now. */
function renderers() {
  const out = new Set();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try { if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=renderer')) out.add(Number(p)); } catch { /* gone */ }
  }
  return out;
}

/** Runs `make` (which opens one page) and returns its result with the renderer processes started meanwhile. */
async function withRenderer(make) {
  const before = renderers();
  const r = await make();
  return { ...r, renderer: [...renderers()].filter((p) => !before.has(p)) };
}

const rate = (ms) => (MIB / (ms / 1000)).toFixed(1);
const rows = [];
function report(pair, { fromOffer, fromChoice, memory }) {
  const row = { pair, 'MiB/s': rate(fromOffer), 'MiB/s incl. copy': fromChoice ? rate(fromChoice) : '', 'peak MiB (sender / receiver)': memory };
  rows.push(row);
  console.log(`${pair}: ${row['MiB/s']} MiB/s${fromChoice ? ` (${row['MiB/s incl. copy']} from choosing the file)` : ''}; peak ${memory}`);
}

/** Two terminals verified with each other. */
async function terminals() {
  const [ta, tb] = await Promise.all([terminalIdentity('Ada'), terminalIdentity('Bob')]);
  const a = chatProcess(['--home', ta.home, '--device', ta.device, '--bind', '127.0.0.1']);
  const b = chatProcess(['--home', tb.home, '--device', tb.device, '--bind', '127.0.0.1', '--files', join(tb.home, 'in'), '--auto-accept', '4G']);
  await Promise.all([a.next(type('ready'), 'ready'), b.next(type('ready'), 'ready')]);
  a.send('/invite');
  b.send(`/accept ${(await a.next(type('signal'), 'offer')).text}`);
  a.send((await b.next(type('signal'), 'answer')).text);
  await Promise.all([a.next(type('sas'), 'sas'), b.next(type('sas'), 'sas')]);
  a.send('/verify');
  b.send('/verify');
  await Promise.all([a.next(type('confirmed'), 'confirmed'), b.next(type('confirmed'), 'confirmed')]);
  return { a, b, close: async () => { await a.quit(); await b.quit(); ta.close(); tb.close(); } };
}

/** A browser page and a terminal verified with each other (the page's renderer known). */
async function browserAndTerminal(browser, url) {
  const term = await terminalIdentity('Tess');
  const page = await withRenderer(() => enrolled(browser, url, 'Alice', 'A'));
  const chat = chatProcess(['--home', term.home, '--device', term.device, '--bind', '127.0.0.1', '--files', join(term.home, 'in'), '--auto-accept', '4G']);
  await chat.next(type('ready'), 'ready');
  const { sas } = await browserInvitesTerminal(page.page, chat);
  await compareAndConfirm(page.page, chat, sas);
  await page.page.getByTestId('open-chat').click();
  return { page, chat, close: async () => { await chat.quit(); await page.context.close(); term.close(); } };
}

const fileMsg = (page, dir, name) => page.getByTestId(dir === 'out' ? 'msg-out' : 'msg-in').filter({ hasText: name });
const pageMemory = (rss, heap) => `${rss.toFixed(0)} (JS ${heap.toFixed(0)})`;

async function terminalToTerminal(file) {
  const { a, b, close } = await terminals();
  try {
    const t0 = Date.now();
    a.send(`/file ${file.path}`);
    await b.next(type('file-offer'), 'offer', 60_000);
    const t1 = Date.now();
    const got = await b.next(type('file'), 'file', 1_200_000);
    const t2 = Date.now();
    if (got.size !== file.size) throw new Error(`received ${got.size} bytes`);
    rmSync(got.path);
    report('terminal → terminal', { fromOffer: t2 - t1, memory: `${peakRss(a.child.pid).toFixed(0)} / ${peakRss(b.child.pid).toFixed(0)}` });
  } finally {
    await close();
  }
}

/** Sends from page `a` to page `b` (or to a terminal `term`) and waits for the verified file. */
async function fromPage(a, file, arrived) {
  const heaps = [await heapPeak(a.page)];
  const t0 = Date.now();
  await a.page.getByTestId('file-in').setInputFiles(file.path);
  const t1 = await arrived.offer();
  await arrived.done();
  const t2 = Date.now();
  return { t0, t1, t2, heaps };
}

async function browserToBrowser(browser, url, file) {
  const pair = await connectPair(browser, url, (...args) => withRenderer(() => enrolled(...args)));
  try {
    for (const p of [pair.a, pair.b]) await p.page.getByTestId('sas-match').click();
    for (const p of [pair.a, pair.b]) await p.page.getByTestId('open-chat').click({ timeout: 15_000 });
    const heapB = await heapPeak(pair.b.page);
    const { t0, t1, t2, heaps } = await fromPage(pair.a, file, {
      offer: async () => { await fileMsg(pair.b.page, 'in', file.name).getByTestId('file-progress-in').waitFor({ timeout: 600_000 }); return Date.now(); },
      done: () => fileMsg(pair.b.page, 'in', file.name).getByTestId('file-download').waitFor({ timeout: 1_200_000 }),
    });
    const [ha, hb] = [await heaps[0].stop(), await heapB.stop()];
    report('browser → browser', { fromOffer: t2 - t1, fromChoice: t2 - t0, memory: `${pageMemory(peakRss(pair.a.renderer), ha)} / ${pageMemory(peakRss(pair.b.renderer), hb)}` });
  } finally {
    await pair.a.context.close();
    await pair.b.context.close();
  }
}

async function browserTerminal(browser, url, file) {
  const { page, chat, close } = await browserAndTerminal(browser, url);
  try {
    const { t0, t1, t2, heaps } = await fromPage(page, file, {
      offer: async () => { await chat.next(type('file-offer'), 'offer', 600_000); return Date.now(); },
      done: async () => rmSync((await chat.next(type('file'), 'file', 1_200_000)).path),
    });
    report('browser → terminal', { fromOffer: t2 - t1, fromChoice: t2 - t0, memory: `${pageMemory(peakRss(page.renderer), await heaps[0].stop())} / ${peakRss(chat.child.pid).toFixed(0)}` });

    const heap = await heapPeak(page.page);
    chat.send(`/file ${file.path}`);
    await fileMsg(page.page, 'in', file.name).getByTestId('file-progress-in').waitFor({ timeout: 60_000 });
    const t3 = Date.now();
    await fileMsg(page.page, 'in', file.name).getByTestId('file-download').waitFor({ timeout: 1_200_000 });
    report('terminal → browser', { fromOffer: Date.now() - t3, memory: `${peakRss(chat.child.pid).toFixed(0)} / ${pageMemory(peakRss(page.renderer), await heap.stop())}` });
  } finally {
    await close();
  }
}

/** The raw data channel between two pages: 64 KiB messages, 8 MiB high water, no crypto, nothing stored. */
async function rawChannel(browser, url) {
  const contexts = [await browser.newContext({ permissions: ['microphone', 'camera'] }), await browser.newContext({ permissions: ['microphone', 'camera'] })];
  try {
    const [a, b] = await Promise.all(contexts.map(async (c) => { const p = await c.newPage(); await p.goto(url); return p; }));
    const setup = () => {
      globalThis.pc = new RTCPeerConnection();
      globalThis.gathered = () => new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); });
    };
    await a.evaluate(setup);
    await b.evaluate(setup);
    const offer = await a.evaluate(async () => { globalThis.dc = pc.createDataChannel('x'); await pc.setLocalDescription(); await gathered(); return pc.localDescription.sdp; });
    const answer = await b.evaluate(async ({ sdp, total }) => {
      globalThis.done = new Promise((resolve) => {
        pc.ondatachannel = (e) => { let got = 0, t0 = 0; e.channel.binaryType = 'arraybuffer'; e.channel.onmessage = (m) => { t0 ||= performance.now(); got += m.data.byteLength; if (got >= total) resolve(performance.now() - t0); }; };
      });
      await pc.setRemoteDescription({ type: 'offer', sdp }); await pc.setLocalDescription(); await gathered(); return pc.localDescription.sdp;
    }, { sdp: offer, total: MIB * 1048576 });
    await a.evaluate(async (sdp) => { await pc.setRemoteDescription({ type: 'answer', sdp }); await new Promise((r) => (dc.readyState === 'open' ? r() : (dc.onopen = r))); }, answer);
    await a.evaluate((total) => new Promise((resolve) => {
      const buf = new Uint8Array(65536), high = 8 << 20;
      let sent = 0;
      dc.bufferedAmountLowThreshold = high / 4;
      const pump = () => { while (sent < total && dc.bufferedAmount < high) { dc.send(buf); sent += buf.length; } if (sent >= total) resolve(); };
      dc.onbufferedamountlow = pump;
      pump();
    }), MIB * 1048576);
    report('raw Chromium data channel (reference)', { fromOffer: await b.evaluate(() => done), memory: '–' });
  } finally {
    for (const c of contexts) await c.close();
  }
}

async function main() {
  if (process.env.KEYPRINT_E2E_NETNS !== '1') throw new Error('run through `npm run bench:transfer` (a lo-only network namespace; root)');
  const file = makeFile('bench.bin', MIB);
  const server = await serve({ dir: 'dist-web', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROME, args: ARGS, headless: true });
  console.log(`bench:transfer — ${MIB} MiB over WebRTC on loopback; memory: peak RSS MiB (terminal: the process; page: its renderer, and its peak JS heap + buffers)`);
  try {
    await terminalToTerminal(file);
    await browserToBrowser(browser, server.url, file);
    await browserTerminal(browser, server.url, file);
    await rawChannel(browser, server.url);
  } finally {
    await browser.close();
    await server.close();
    file.remove();
  }
  console.log('\n| pair | MiB/s | MiB/s from choosing the file | peak MiB (sender / receiver) |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.pair} | ${r['MiB/s']} | ${r['MiB/s incl. copy'] || '–'} | ${r['peak MiB (sender / receiver)']} |`);
}

await main();
