// Shared helpers for the e2e scenarios (test/e2e/scenarios/*.mjs): the virtual authenticator,
// page-error watching, enrolment and the copy-paste connection between two browser contexts.
// A scenario module exports `tests`: an array of { name, fn } where fn({ browser, url, netns, out })
// returns nothing (passed) or a string (skipped, with the reason).

export const OUT = 'test-results/e2e';

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/** Collects tests in a scenario module: `const { test, tests } = collector()`. */
export function collector() {
  const tests = [];
  return { tests, test: (name, fn) => tests.push({ name, fn }) };
}

/** A DevTools virtual authenticator as in the notes (§5.2): CTAP 2.1 over USB with PRF. */
export async function addVirtualAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'usb', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, hasPrf: true, automaticPresenceSimulation: true,
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


/** Copy-paste exchange between two pages already on Connect; resolves when both show `until` (a test id). */
export async function exchange(from, to, until) {
  await from.page.getByTestId('create-offer').click();
  const offer = (await from.page.getByTestId('signal-out').inputValue({ timeout: 15_000 })).trim();
  await to.page.getByTestId('offer-in').fill(offer);
  await to.page.getByTestId('accept-offer').click();
  await to.page.getByTestId('signal-out').waitFor({ timeout: 15_000 });
  const answer = (await to.page.getByTestId('signal-out').inputValue()).trim();
  await from.page.getByTestId('answer-in').fill(answer);
  await from.page.getByTestId('accept-answer').click();
  try {
    await from.page.getByTestId(until).waitFor({ timeout: 20_000 });
    await to.page.getByTestId(until).waitFor({ timeout: 20_000 });
  } catch (e) {
    await from.page.screenshot({ path: `${OUT}/exchange-fail-from.png`, fullPage: true });
    await to.page.screenshot({ path: `${OUT}/exchange-fail-to.png`, fullPage: true });
    throw e;
  }
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
