// Shared helpers for the e2e scenarios (test/e2e/scenarios/*.mjs): the virtual authenticator,
// page-error watching, enrolment and the copy-paste connection between two browser contexts.
// A scenario module exports `tests`: an array of { name, fn } where fn({ browser, url, netns, out })
// returns nothing (passed) or a string (skipped, with the reason).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const OUT = 'test-results/e2e';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** Every state checked with axe-core, and what it found (all impacts), for the run's summary line. */
export const a11yChecked = [];

/**
 * Runs axe-core (WCAG 2.x A/AA rules and best practices) on the page as it is now and fails on any
 * serious or critical violation. axe is evaluated through DevTools, not a <script>: the app's CSP
 * forbids inline script, and stays on while it runs.
 * @param page the Playwright page
 * @param state what is shown (named in a failure)
 */
export async function a11y(page, state) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
  a11yChecked.push({ state, violations });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert(bad.length === 0, `axe: ${bad.length} serious/critical violation(s) on "${state}":\n${bad.map((v) => `  ${v.impact} ${v.id}: ${v.help} — ${v.nodes.join(', ')}`).join('\n')}`);
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/** Collects tests in a scenario module: `const { test, tests } = collector()`. */
export function collector() {
  const tests = [];
  return { tests, test: (name, fn) => tests.push({ name, fn }) };
}

/**
 * A DevTools virtual authenticator as in the notes (§5.2): CTAP 2.1 over USB with PRF. `options`
 * override the defaults, e.g. `{ hasPrf: false, hasHmacSecret: true }` for a key that speaks
 * hmac-secret as USB security keys do (separate secrets with and without UV, CTAP 2.1 §12.5; the
 * browser maps PRF onto it), where `hasPrf` answers PRF only with UV.
 */
export async function addVirtualAuthenticator(context, page, options = {}) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'usb', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, hasPrf: true, automaticPresenceSimulation: true, ...options,
    },
  });
  return { cdp, authenticatorId };
}

/** Fails the test on uncaught page errors and console errors. */
export function watch(page, label) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`${label} pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${label} console.error: ${m.text()}`); });
  return problems;
}

/** Enrolls an identity in a fresh context with its own virtual authenticator; returns { context, page, did }. */
export async function enrolled(browser, url, name, label) {
  const context = await browser.newContext({ permissions: ['microphone', 'camera'] }); // media permission: loopback ICE candidates (notes §2)
  const page = await context.newPage();
  const problems = watch(page, label);
  await addVirtualAuthenticator(context, page);
  await recordFrames(page);
  await page.goto(`${url}#/identity`);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await page.getByLabel('Your name, as contacts will see it').fill(name);
  await page.getByTestId('enroll').click();
  await page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 30_000 });
  const did = (await page.getByTestId('did').textContent()).trim();
  await page.getByRole('link', { name: 'Connect' }).click();
  return { context, page, did, problems };
}

export const sasOf = async (page) => ({
  emoji: (await page.getByTestId('sas-emoji').innerText()).trim(),
});

/** Copy-paste exchange between two pages on Connect: `from` invites, `to` answers; resolves when both show `until`. */
export async function linkPages(from, to, until = 'sas') {
  await from.page.getByTestId('create-offer').click();
  await to.page.getByTestId('offer-in').fill((await from.page.getByTestId('signal-out').inputValue({ timeout: 15_000 })).trim());
  await to.page.getByTestId('accept-offer').click();
  await from.page.getByTestId('answer-in').fill((await to.page.getByTestId('signal-out').inputValue({ timeout: 15_000 })).trim());
  await from.page.getByTestId('accept-answer').click();
  await from.page.getByTestId(until).waitFor({ timeout: 20_000 });
  await to.page.getByTestId(until).waitFor({ timeout: 20_000 });
}

/** Two enrolled contexts that exchange invitation and answer texts until both show the SAS. */
export async function connectPair(browser, url, enroll = enrolled) {
  const a = await enroll(browser, url, 'Alice', 'A');
  const b = await enroll(browser, url, 'Bob', 'B');

  await a.page.bringToFront();
  await a.page.getByTestId('create-offer').click();
  const offer = (await a.page.getByTestId('signal-out').inputValue({ timeout: 15_000 })).trim();
  assert(/^[A-Za-z0-9_-]{40,300}$/.test(offer), `compact offer text, got ${offer}`);
  await b.page.bringToFront();
  await b.page.getByTestId('offer-in').fill(offer);
  await b.page.getByTestId('accept-offer').click();
  await b.page.getByTestId('signal-out').waitFor({ timeout: 15_000 });
  const answer = (await b.page.getByTestId('signal-out').inputValue()).trim();
  await a.page.bringToFront();
  await a.page.getByTestId('answer-in').fill(answer);
  await a.page.getByTestId('accept-answer').click();

  await a.page.getByTestId('sas').waitFor({ timeout: 20_000 });
  await b.page.getByTestId('sas').waitFor({ timeout: 20_000 });
  return { a, b };
}

/** Unlocks the identity of a page (after a reload: the same context keeps its virtual authenticator). */
export async function unlock(p) {
  await p.page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await p.page.getByRole('link', { name: 'Identity' }).click();
  await p.page.getByTestId('unlock').click();
  await p.page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 20_000 });
}

/**
 * Samples a page's memory every 100 ms until `stop()`: the peak of its JS heap plus the ArrayBuffer
 * backing stores outside it (DevTools Runtime.getHeapUsage), in MiB — where a file held whole would show.
 */
export async function heapPeak(page) {
  const cdp = await page.context().newCDPSession(page);
  let peak = 0, stopped = false;
  const sample = async () => {
    const u = await cdp.send('Runtime.getHeapUsage');
    peak = Math.max(peak, (u.usedSize + (u.backingStorageSize ?? 0)) / 1048576);
  };
  const loop = (async () => { while (!stopped) { await sample().catch(() => undefined); await new Promise((r) => setTimeout(r, 100)); } })();
  return { async stop() { stopped = true; await loop; await cdp.detach().catch(() => undefined); return peak; } };
}

/**
 * Records the first bytes of every data-channel frame the page sends and receives (before the app
 * runs), so a scenario can check which protocol version really ran: `await framesOf(page)`.
 */
export async function recordFrames(page) {
  await page.addInitScript(() => {
    const log = (window.__keyprintFrames = []);
    const head = (d) => { const b = d instanceof ArrayBuffer ? new Uint8Array(d) : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : null; return b && { version: b[0], type: b[1], length: b.length }; };
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (d) { const h = head(d); if (h) log.push({ dir: 'out', ...h }); return send.call(this, d); };
    const add = RTCDataChannel.prototype.addEventListener;
    RTCDataChannel.prototype.addEventListener = function (type, fn, o) {
      if (type !== 'message') return add.call(this, type, fn, o);
      return add.call(this, type, (e) => { const h = head(e.data); if (h) log.push({ dir: 'in', ...h }); return fn.call(this, e); }, o);
    };
  });
}
export const framesOf = (page) => page.evaluate(() => window.__keyprintFrames ?? []);

/** The handshake a page ran: its frames are protocol version 3 (commit 1,250 bytes with the X-Wing key; a hello with the 1,120-byte ciphertext). */
export async function assertHybridHandshake(page, label) {
  const frames = await framesOf(page);
  assert(frames.length >= 3, `${label}: frames were recorded (${frames.length})`);
  assert(frames.every((f) => f.version === 3), `${label}: every frame is protocol version 3: ${JSON.stringify(frames.slice(0, 6))}`);
  const commit = frames.find((f) => f.type === 1);
  assert(commit && commit.length === 2 + 32 + 1216, `${label}: the commit carries the X-Wing public key: ${JSON.stringify(commit)}`);
  assert(frames.some((f) => f.type === 2 && f.length > 1120), `${label}: a hello carries the X-Wing ciphertext`);
}
