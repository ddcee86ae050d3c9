#!/usr/bin/env node
// `npm run bench:transfer [-- SIZE_MIB] [--only terminal|browser|raw]` (issue "Files of any size"; not a timed test): one file of
// 256 MiB (default) sent over real WebRTC on loopback, inside the e2e runner's lo-only network
// namespace (test/e2e/netns.mjs --runner; root), for each pair:
//   terminal → terminal   two `keyprint chat --json` processes
//   browser → browser     two headless Chromium pages of the web app (dist-web)
//   browser → terminal, terminal → browser
//   raw data channels, 64 KiB messages, no crypto, nothing stored: Chromium ↔ Chromium, and
//   node-datachannel ↔ node-datachannel in one process — the ceilings the pairs run under
// Printed per pair: MiB/s from the receiver's consent to its verified file, and from choosing the file
// (the browser seals a copy into its storage first), and peak memory: VmHWM (peak resident set) of
// each terminal process and of each page's renderer process, and each page's peak JS heap plus
// ArrayBuffers (DevTools). Results in docs/BENCHMARKS.md "File transfers".
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import nodeDataChannel from 'node-datachannel';
import { RTCPeerConnection as NodePeerConnection } from 'node-datachannel/polyfill';
import { chromium } from 'playwright-core';
import { serve } from '../web/serve.mjs';
import { connectPair, enrolled, heapPeak } from '../test/e2e/harness.mjs';
import { browserInvitesTerminal, chatProcess, compareAndConfirm, terminalIdentity, type } from '../test/e2e/terminal.mjs';
import { makeFile } from '../test/e2e/scenarios/35-files.mjs';

const MIB = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 256);
/** `--only NAME`: the pairs whose name contains NAME. */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : '';
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

/** Waits for a locator; on a timeout, says what the pages show (file states, errors) before failing. */
async function until(locator, ms, ...pages) {
  try {
    await locator.waitFor({ timeout: ms });
  } catch (e) {
    for (const p of pages) console.error(`  page: ${JSON.stringify(await p.getByTestId('file-state').allInnerTexts())} ${JSON.stringify(await p.getByTestId('chat-error').allInnerTexts())}`);
    throw e;
  }
}
/** The page receives the file offered (above its 100 MiB auto-accept size: Receive); resolves at the click. */
async function receive(page, name, ...others) {
  await until(fileMsg(page, 'in', name).getByTestId('file-accept'), 300_000, page, ...others);
  const t = Date.now();
  await fileMsg(page, 'in', name).getByTestId('file-accept').click();
  return t;
}

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
      offer: () => receive(pair.b.page, file.name, pair.a.page),
      done: () => until(fileMsg(pair.b.page, 'in', file.name).getByTestId('file-download'), 900_000, pair.a.page, pair.b.page),
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
    const t3 = await receive(page.page, file.name);
    await until(fileMsg(page.page, 'in', file.name).getByTestId('file-download'), 900_000, page.page);
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

/** The raw data channel between two node-datachannel peers in this process (as rawChannel, same pump). */
async function rawNode() {
  const peer = () => new NodePeerConnection({ peerConnection: new nodeDataChannel.PeerConnection('bench', { iceServers: [], bindAddress: '127.0.0.1', enableIceTcp: false }) });
  const gathered = (pc) => new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()); });
  const a = peer(), b = peer();
  try {
    const dc = a.createDataChannel('x');
    await a.createOffer();
    await gathered(a);
    const total = MIB * 1048576;
    const done = new Promise((resolve) => {
      b.ondatachannel = (e) => { let got = 0, t0 = 0; e.channel.binaryType = 'arraybuffer'; e.channel.onmessage = (m) => { t0 ||= performance.now(); got += m.data.byteLength; if (got >= total) resolve(performance.now() - t0); }; };
    });
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await gathered(b);
    await a.setRemoteDescription(b.localDescription);
    await new Promise((r) => (dc.readyState === 'open' ? r() : dc.addEventListener('open', r)));
    const buf = new Uint8Array(65536), high = 8 << 20;
    let sent = 0;
    dc.bufferedAmountLowThreshold = high / 4;
    const pump = () => { while (sent < total && dc.bufferedAmount < high) { dc.send(buf); sent += buf.length; } };
    dc.addEventListener('bufferedamountlow', pump);
    pump();
    report('raw node-datachannel, one process (reference)', { fromOffer: await done, memory: '–' });
  } finally {
    a.close();
    b.close();
  }
}

async function main() {
  if (process.env.KEYPRINT_E2E_NETNS !== '1') throw new Error('run through `npm run bench:transfer` (a lo-only network namespace; root)');
  const file = makeFile('bench.bin', MIB);
  const server = await serve({ dir: 'dist-web', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROME, args: ARGS, headless: true });
  console.log(`bench:transfer — ${MIB} MiB over WebRTC on loopback; memory: peak RSS MiB (terminal: the process; page: its renderer, and its peak JS heap + buffers)`);
  try {
    const run = async (name, f) => { if (name.includes(ONLY)) await f(); };
    await run('terminal terminal', () => terminalToTerminal(file));
    await run('browser browser', () => browserToBrowser(browser, server.url, file));
    await run('browser terminal', () => browserTerminal(browser, server.url, file));
    await run('raw browser', () => rawChannel(browser, server.url));
    await run('raw terminal', () => rawNode());
  } finally {
    await browser.close();
    await server.close();
    file.remove();
  }
  console.log('\n| pair | MiB/s | MiB/s from choosing the file | peak MiB (sender / receiver) |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.pair} | ${r['MiB/s']} | ${r['MiB/s incl. copy'] || '–'} | ${r['peak MiB (sender / receiver)']} |`);
}

await main();
