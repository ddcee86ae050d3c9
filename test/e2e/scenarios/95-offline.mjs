// Works offline (issue #12, item 4): after the first load the service worker (web/sw.js) holds this
// build; with the network cut the app still loads (from the worker, with its CSP), the core loads,
// a security-key identity unlocks, and someone's printed card is verified. Updates you can see
// (issue 18 item 8): the app shows its build hash, and a new build is announced and used only when
// the user chooses "Update now" — not when the last tab of the old one closes.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { OUT, addVirtualAuthenticator, assert, collector, enrolled, watch } from '../harness.mjs';
import { instrument, violations } from '../probe.mjs';
import { serve } from '../../../web/serve.mjs';

const { test, tests } = collector();
export { tests };

const WEB_DIR = process.env.KEYPRINT_WEB_DIR ?? 'dist-web'; // what run.mjs serves

/** VERSION (the build hash) and PRECACHE as the build wrote them into sw.js. */
async function builtWorker(dir = WEB_DIR) {
  const sw = await readFile(join(dir, 'sw.js'), 'utf8');
  const version = /^const VERSION = "([0-9a-f]{64})";$/m.exec(sw)?.[1];
  const precache = JSON.parse(/^const PRECACHE = (\[.*\]);$/m.exec(sw)?.[1] ?? 'null');
  assert(version && Array.isArray(precache), 'sw.js starts with VERSION and PRECACHE');
  return { version, precache, sw };
}

test('offline: the service worker caches exactly this build, then the app loads, unlocks and verifies a card offline', async ({ browser, url }) => {
  // Bob, online, makes his card: the picture Alice will check offline.
  const bob = await enrolled(browser, url, 'Bob', 'B');
  await bob.page.getByRole('link', { name: 'Card' }).click();
  const bobSvg = await bob.page.getByTestId('card-svg').locator('svg').evaluate((e) => e.outerHTML, null, { timeout: 15_000 });
  const bobDigits = (await bob.page.getByTestId('card-digits-text').textContent()).trim();
  await bob.context.close();
  const bobCard = new Resvg(bobSvg, { fitTo: { mode: 'width', value: 1004 }, background: '#ffffff' }).render().asPng();

  const context = await browser.newContext();
  const log = await instrument(context, 'A');
  const page = await context.newPage();
  const problems = watch(page, 'A');
  await addVirtualAuthenticator(context, page);
  await page.goto(`${url}#/identity`);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  // Registered after `load`; activate → clients.claim() makes it control this very page.
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: 15_000 });

  // Installable (manifest, icons, a service worker with a fetch handler): Chromium's own checks. The
  // only one that fails is the profile, as Playwright's contexts are incognito-like.
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  const blocking = installabilityErrors.filter((e) => e.errorId !== 'in-incognito');
  assert(blocking.length === 0, `installable, got ${JSON.stringify(blocking)}`);
  const manifest = await cdp.send('Page.getAppManifest');
  assert(manifest.url === `${url}manifest.webmanifest` && manifest.errors.length === 0, `manifest parsed without errors: ${JSON.stringify(manifest.errors)}`);

  // The cache is this build's, named after its VERSION (the build hash), holding exactly the
  // PRECACHE list; beside it the record of the accepted build. The page shows the same hash.
  const { version, precache } = await builtWorker();
  const cached = await page.evaluate(async () => {
    const names = (await caches.keys()).sort();
    const build = names.find((n) => !n.endsWith(' accepted'));
    return { names, urls: build ? (await (await caches.open(build)).keys()).map((r) => r.url) : [] };
  });
  assert(JSON.stringify(cached.names) === JSON.stringify([`keyprint ${url} ${version}`, `keyprint ${url} accepted`].sort()), `one cache for this build, got ${cached.names}`);
  assert(await page.getByTestId('build-hash').getAttribute('data-hash') === version, 'the Identity screen shows the build hash of sw.js');
  assert(JSON.stringify(cached.urls.sort()) === JSON.stringify(precache.map((p) => new URL(p, url).href).sort()), `cached ${cached.urls} vs PRECACHE ${precache}`);
  assert(precache.includes('index.html') && precache.some((p) => /^assets\/core-.*\.wasm$/.test(p)) && precache.includes('manifest.webmanifest'), `PRECACHE has the shell, core and manifest: ${precache}`);

  await page.getByLabel('Your name, as contacts will see it').fill('Alice');
  await page.getByTestId('enroll').click();
  await page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 30_000 });
  const did = (await page.getByTestId('did').textContent()).trim();

  // Cut the network (DevTools network emulation, for the page and its service worker) and reload.
  await context.setOffline(true);
  const offlineFrom = log.requests.length;
  assert(await page.evaluate(() => !navigator.onLine), 'the page is offline');
  const res = await page.reload();
  assert(res.fromServiceWorker(), 'the page came from the service worker');
  assert(/default-src 'none'/.test(res.headers()['content-security-policy'] ?? ''), 'the cached page keeps its CSP header');
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await page.getByTestId('unlock').waitFor({ timeout: 15_000 });
  assert((await page.getByTestId('lock-state').textContent()).trim() === 'Locked', 'locked after the offline reload');
  await page.getByTestId('unlock').click();
  await page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 30_000 });
  assert((await page.getByTestId('did').textContent()).trim() === did, 'same did:key, unlocked offline');

  // Verify Bob's printed card offline: scan the picture, type the printed digits.
  await page.getByRole('link', { name: 'Card' }).click();
  await page.getByTestId('card-scan-file').setInputFiles({ name: 'bob-card.png', mimeType: 'image/png', buffer: bobCard });
  await page.getByTestId('card-checks').waitFor({ timeout: 15_000 });
  assert((await page.getByTestId('card-check-name').textContent()) === 'Bob', 'card of Bob');
  await page.getByTestId('card-digits').fill(bobDigits);
  await page.getByTestId('card-compare').click();
  await page.getByTestId('card-result').filter({ hasText: 'Verified by card: Bob' }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: `${OUT}/offline-01-card-verified.png`, fullPage: true });

  // Everything after the cut was answered by the service worker (a request that reached the
  // network would have failed, and Playwright reports the worker's own fetches too).
  const offline = log.requests.slice(offlineFrom);
  assert(offline.length > 0 && offline.every((r) => !/service worker/.test(r.by)), `offline: only page requests, none by the worker to the network: ${offline.map((r) => `${r.by} ${r.url}`)}`);
  problems.push(...log.problems, ...(await violations(page)));
  assert(problems.length === 0, problems.join('\n'));
  await context.close();
});

test('updates: a new build is announced and used only when the user chooses "Update now"', async ({ browser }) => {
  // A copy of the build on its own origin (port), so it can be "redeployed" under the browser.
  const dir = await mkdtemp(join(tmpdir(), 'keyprint-sw-'));
  await cp(WEB_DIR, dir, { recursive: true });
  const server = await serve({ dir, port: 0 });
  const context = await browser.newContext();
  try {
    const cacheNames = (page) => page.evaluate(async () => (await caches.keys()).sort());
    const shown = (page) => page.getByTestId('build-hash').getAttribute('data-hash');
    let page = await context.newPage();
    const problems = watch(page, 'U1');
    await page.goto(`${server.url}#/settings`);
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: 15_000 });
    const old = await builtWorker(dir);
    await page.getByTestId('build-hash').and(page.locator(`[data-hash="${old.version}"]`)).waitFor({ timeout: 10_000 });

    // Build 2: another index.html, hence (as the build computes it) another VERSION in sw.js.
    const version = 'b'.repeat(64);
    await writeFile(join(dir, 'index.html'), (await readFile(join(dir, 'index.html'), 'utf8')).replace('</body>', '<!-- build 2 --></body>'));
    await writeFile(join(dir, 'sw.js'), old.sw.replace(old.version, version));
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    await page.getByTestId('update-notice').waitFor({ timeout: 15_000 });
    assert((await page.getByTestId('update-build').textContent()) === 'b'.repeat(16), 'the notice names the new build');
    assert(await page.getByTestId('build-hash-available').count() === 1, 'Settings shows the waiting build in full');
    assert(!(await page.content()).includes('build 2') && await shown(page) === old.version, 'the running tab still has build 1');
    await page.screenshot({ path: `${OUT}/update-01-notice.png`, fullPage: true });
    await page.getByTestId('update-later').click();
    await page.getByTestId('update-notice').waitFor({ state: 'detached', timeout: 5_000 });

    // The last tab of build 1 closes: the new worker activates, and still serves build 1 — asking again.
    await page.close();
    page = await context.newPage();
    problems.push(...watch(page, 'U2'));
    await page.goto(`${server.url}#/identity`);
    await page.getByTestId('update-notice').waitFor({ timeout: 15_000 });
    await page.reload();
    await page.getByTestId('update-notice').waitFor({ timeout: 15_000 });
    assert(!(await page.content()).includes('<!-- build 2 -->'), 'not activated silently: the page is still build 1');
    assert(await shown(page) === old.version, 'the Identity screen still shows build 1');
    assert((await cacheNames(page)).length === 3, `both builds and the accepted record cached, got ${await cacheNames(page)}`);

    // "Update now": the page reloads into build 2, and build 1's files go.
    await Promise.all([page.waitForEvent('load'), page.getByTestId('update-now').click()]);
    await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
    assert((await page.content()).includes('<!-- build 2 -->'), 'the page now comes from build 2');
    await page.getByTestId('build-hash').and(page.locator(`[data-hash="${version}"]`)).waitFor({ timeout: 10_000 });
    assert(JSON.stringify(await cacheNames(page)) === JSON.stringify([`keyprint ${server.url} ${version}`, `keyprint ${server.url} accepted`].sort()), `only build 2 cached, got ${await cacheNames(page)}`);
    assert(await page.getByTestId('update-notice').count() === 0, 'no notice any more');
    assert(problems.length === 0, problems.join('\n'));
  } finally {
    await context.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
