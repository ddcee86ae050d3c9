// Works offline (issue #12, item 4): after the first load the service worker (web/sw.js) holds this
// build; with the network cut the app still loads (from the worker, with its CSP), the core loads,
// a security-key identity unlocks, and someone's printed card is verified.
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

/** VERSION and PRECACHE as the build wrote them into sw.js. */
async function builtWorker(dir = WEB_DIR) {
  const sw = await readFile(join(dir, 'sw.js'), 'utf8');
  const version = /^const VERSION = "([0-9a-f]{16})";$/m.exec(sw)?.[1];
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

  // The cache is this build's, named after its VERSION, holding exactly the PRECACHE list.
  const { version, precache } = await builtWorker();
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    return { names, urls: names.length === 1 ? (await (await caches.open(names[0])).keys()).map((r) => r.url) : [] };
  });
  assert(cached.names.length === 1 && cached.names[0] === `keyprint ${url} ${version}`, `one cache for this build, got ${cached.names}`);
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

test('offline: a new build replaces the cache once no tab runs the old one', async ({ browser }) => {
  // A copy of the build on its own origin (port), so it can be "redeployed" under the browser.
  const dir = await mkdtemp(join(tmpdir(), 'keyprint-sw-'));
  await cp(WEB_DIR, dir, { recursive: true });
  const server = await serve({ dir, port: 0 });
  const context = await browser.newContext();
  try {
    const cacheNames = (page) => page.evaluate(() => caches.keys());
    let page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: 15_000 });
    const old = await builtWorker(dir);
    assert(JSON.stringify(await cacheNames(page)) === JSON.stringify([`keyprint ${server.url} ${old.version}`]), 'the first build\'s cache');

    // Build 2: another index.html, hence (as the build computes it) another VERSION in sw.js.
    const version = 'b'.repeat(16);
    await writeFile(join(dir, 'index.html'), (await readFile(join(dir, 'index.html'), 'utf8')).replace('</body>', '<!-- build 2 --></body>'));
    await writeFile(join(dir, 'sw.js'), old.sw.replace(old.version, version));
    const waiting = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration.update();
      const worker = registration.installing ?? registration.waiting;
      if (worker && worker.state !== 'installed') await new Promise((ok) => worker.addEventListener('statechange', () => worker.state === 'installed' && ok()));
      return !!registration.waiting;
    });
    assert(waiting, 'the new worker installed and waits while the old build runs in a tab');
    assert((await cacheNames(page)).length === 2, 'both builds cached meanwhile (the running tab keeps its files)');
    assert(!(await page.content()).includes('build 2'), 'the running tab still has build 1');

    // Last tab of build 1 closed: the new worker activates and deletes the old cache.
    await page.close();
    page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction((v) => caches.keys().then((k) => k.length === 1 && k[0].endsWith(v)), version, { timeout: 15_000 });
    await page.reload();
    assert((await page.content()).includes('<!-- build 2 -->'), 'the page now comes from build 2');
  } finally {
    await context.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
