#!/usr/bin/env node
// Web app end-to-end tests in real headless Chromium (Debian's /usr/bin/chromium or $CHROME_PATH;
// never downloaded), driven by playwright-core. Serves dist-web/ on 127.0.0.1 (opened as
// http://localhost:<port>, a valid WebAuthn RP ID) and uses a DevTools virtual authenticator
// (CTAP 2.1, USB, resident keys, UV, PRF). Scenarios live in test/e2e/scenarios/*.mjs (run in
// file-name order); helpers in harness.mjs. Screenshots go to test-results/e2e/.
// Usage: npm run build:web && node test/e2e/run.mjs [filter]   (KEYPRINT_WEB_DIR: serve another build)
import { mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from '../../web/serve.mjs';
import { OUT, a11yChecked } from './harness.mjs';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];
const filter = process.argv.slice(2).find((a) => !a.startsWith('--'));

async function loadTests() {
  const dir = new URL('./scenarios/', import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.mjs')).sort();
  const tests = [];
  for (const f of files) tests.push(...(await import(new URL(f, dir).href)).tests);
  return tests;
}

async function main() {
  if (!existsSync(CHROME)) throw new Error(`Chromium not found at ${CHROME} (apt-get install chromium, or set CHROME_PATH)`);
  await mkdir(OUT, { recursive: true });
  const server = await serve({ dir: process.env.KEYPRINT_WEB_DIR ?? 'dist-web', port: 0 });
  const netns = process.env.KEYPRINT_E2E_NETNS === '1';
  const browser = await chromium.launch({ executablePath: CHROME, args: [...ARGS, ...(netns ? ['--allow-loopback-in-peer-connection'] : [])], headless: true });
  let failed = 0, passed = 0, skippedCount = 0;
  try {
    for (const t of await loadTests()) {
      if (filter && !t.name.includes(filter)) continue;
      const t0 = Date.now();
      try {
        const skipped = await t.fn({ browser, url: server.url, netns, out: OUT });
        console.log(`${skipped ? '-' : '✓'} ${t.name} (${Date.now() - t0} ms)${skipped ? ` ${skipped}` : ''}`);
        if (skipped) skippedCount++; else passed++;
      } catch (e) {
        failed++;
        console.log(`✗ ${t.name} (${Date.now() - t0} ms)\n  ${e.stack ?? e}`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const minor = a11yChecked.flatMap((c) => c.violations.map((v) => `${v.impact} ${v.id} (${c.state})`));
  console.log(`axe: ${a11yChecked.length} states checked (serious or critical fails the test); moderate or minor found: ${minor.length ? minor.join("; ") : "none"}`);
  // The plain closing line CI tools read: "N passed, N failed, N skipped".
  console.log(`e2e: ${passed} passed, ${failed} failed, ${skippedCount} skipped`);
  process.exitCode = failed ? 1 : 0;
}

await main();
