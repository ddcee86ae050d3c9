#!/usr/bin/env node
// First visit of the web app under a slow network (issue 25 item 2): real headless Chromium
// (playwright-core, Debian's /usr/bin/chromium or $CHROME_PATH), a fresh profile per run, the page's
// network throttled by DevTools (Network.emulateNetworkConditions) to the Fast-3G profile of the
// issue — 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up. A measurement, not a test: it prints the
// median of several runs and never fails on time.
//   - usable: ms from navigation start until the Identity screen's name field is in the page with the
//     core loaded (#display-name and [data-testid=core-ready]): what a first visitor waits for;
//   - before usable: bytes on the wire (DevTools' encodedDataLength: headers + body as sent) of the
//     page's requests finished by then, with the list of them;
//   - first visit: every byte the server sent on its sockets (a counting TCP relay in front of it)
//     until the service worker is active and the network has been quiet for a second — the page's
//     requests and the worker's install together. The worker's own requests are not throttled
//     (DevTools emulates per page), so they do not slow the page's figures.
// Usage: npm run build:web && node bench/first-load.mjs [--dir dist-web | --url http://localhost:4173/]
//        [--runs 5] [--json FILE]
import { createServer, connect } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from '../web/serve.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const RUNS = Number(arg('runs', 5));
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
/** The Fast-3G profile (bytes per second; latency in ms, added to every request). */
export const FAST_3G = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8, connectionType: 'cellular3g' };

/** A TCP relay to `target` that counts the bytes the server sends. */
async function countingRelay(target) {
  const counter = { bytes: 0, last: Date.now() };
  const sockets = new Set();
  const relay = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    upstream.on('data', (d) => { counter.bytes += d.length; counter.last = Date.now(); });
    client.pipe(upstream).pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise((ok) => relay.listen(0, '127.0.0.1', ok));
  return {
    counter,
    url: `http://localhost:${relay.address().port}${target.path}`,
    close: () => { for (const s of sockets) s.destroy(); return new Promise((ok) => relay.close(ok)); },
  };
}

// Runs in the page before any of its scripts: notes the time the Identity screen became usable.
const USABLE_PROBE = () => {
  const check = () => {
    if (window.__usable === undefined && document.querySelector('#display-name') && document.querySelector('[data-testid="core-ready"]')) {
      window.__usable = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
};

async function once(browser, url, counter) {
  const context = await browser.newContext();
  await context.addInitScript(USABLE_PROBE);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  const requests = new Map();
  let t0;
  cdp.on('Network.requestWillBeSent', (e) => {
    t0 ??= e.timestamp;
    requests.set(e.requestId, { url: e.request.url, start: e.timestamp });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '', fromServiceWorker: e.response.fromServiceWorker, fromCache: e.response.fromDiskCache });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, bytes: e.encodedDataLength });
  });
  const startBytes = counter.bytes;
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__usable !== undefined, null, { timeout: 60_000, polling: 20 });
  const usable = await page.evaluate(() => window.__usable);
  // The worker installs after `load`; then wait for the wire to be quiet for a second.
  await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 60_000 }).catch(() => {});
  while (Date.now() - counter.last < 1000) await new Promise((ok) => setTimeout(ok, 200));
  const firstVisit = counter.bytes - startBytes;
  const before = [...requests.values()].filter((r) => r.end !== undefined && (r.end - t0) * 1000 <= usable);
  await context.close();
  return {
    usable,
    beforeUsable: before.reduce((s, r) => s + r.bytes, 0),
    requests: before.map((r) => ({ path: new URL(r.url).pathname, bytes: r.bytes, encoding: r.encoding, startMs: Math.round((r.start - t0) * 1000), endMs: Math.round((r.end - t0) * 1000) })),
    firstVisit,
  };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function main() {
  if (!existsSync(CHROME)) throw new Error(`Chromium not found at ${CHROME} (apt-get install chromium, or set CHROME_PATH)`);
  const given = arg('url');
  const server = given ? null : await serve({ dir: arg('dir', 'dist-web'), port: 0 });
  const target = new URL(given ?? server.url);
  const relay = await countingRelay({ host: '127.0.0.1', port: Number(target.port), path: target.pathname });
  const browser = await chromium.launch({
    executablePath: CHROME, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const runs = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const r = await once(browser, relay.url, relay.counter);
      runs.push(r);
      console.log(`run ${i + 1}: usable ${r.usable.toFixed(0)} ms, ${(r.beforeUsable / 1000).toFixed(1)} KB before usable, ${(r.firstVisit / 1000).toFixed(1)} KB first visit`);
    }
  } finally {
    await browser.close();
    await relay.close();
    await server?.close();
  }
  const summary = {
    profile: FAST_3G, runs: RUNS,
    usableMs: median(runs.map((r) => r.usable)),
    beforeUsableBytes: median(runs.map((r) => r.beforeUsable)),
    firstVisitBytes: median(runs.map((r) => r.firstVisit)),
  };
  console.log('\nrequests finished before usable (last run):');
  console.log('| request | encoding | bytes on the wire | start ms | end ms |\n|---|---|---:|---:|---:|');
  for (const q of runs.at(-1).requests) console.log(`| ${q.path} | ${q.encoding || 'identity'} | ${q.bytes} | ${q.startMs} | ${q.endMs} |`);
  console.log(`\nFast-3G (${FAST_3G.latency} ms, ${FAST_3G.downloadThroughput * 8 / 1e6} Mbit/s), median of ${RUNS}: usable Identity screen after ${summary.usableMs.toFixed(0)} ms; ` +
    `${(summary.beforeUsableBytes / 1000).toFixed(1)} KB on the wire before it; ${(summary.firstVisitBytes / 1000).toFixed(1)} KB for the whole first visit (page + service worker install).`);
  const json = arg('json');
  if (json) writeFileSync(json, JSON.stringify({ summary, runs }, null, 2));
}

await main();
