// The identity at rest (issue 18): "wipe everything" with two tabs open leaves nothing (every tab
// locks and reloads; databases, web storage, the service worker's caches and registration are gone
// and stay gone); a stale tab cannot replace the identity another tab created; the identity locks
// after the idle delay. Passphrase identities: two tabs cannot share one virtual authenticator.
import { OUT, assert, collector, watch } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

const PASS = 'a long identity passphrase';

async function open(context, url, label, problems) {
  const page = await context.newPage();
  problems.push(...watch(page, label));
  await page.goto(`${url}#/identity`);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  return page;
}

async function createWithPassphrase(page, name) {
  await page.getByLabel('Your name, as contacts will see it').fill(name);
  await page.locator('input[name="protect"][value="passphrase"]').check();
  await page.locator('#passphrase').fill(PASS);
  await page.locator('#passphrase2').fill(PASS);
  await page.getByRole('button', { name: 'Create with passphrase' }).click();
}

async function unlock(page) {
  await page.locator('#unlock-passphrase').fill(PASS);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 30_000 });
}

/** Everything keyprint could have left in this origin. */
const leftovers = (page) => page.evaluate(async () => ({
  dbs: (await indexedDB.databases()).map((d) => d.name),
  caches: await caches.keys(),
  workers: (await navigator.serviceWorker.getRegistrations()).length,
  local: localStorage.length,
  session: sessionStorage.length,
}));

test('wipe: with two tabs open, every tab locks and reloads, and nothing is left — nor re-created', async ({ browser, url }) => {
  const context = await browser.newContext();
  const problems = [];
  try {
    const one = await open(context, url, 'T1', problems);
    await one.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: 15_000 });
    await createWithPassphrase(one, 'Alice');
    await one.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 30_000 });
    const two = await open(context, url, 'T2', problems);
    await unlock(two);
    // Something in web storage too (the idle-lock setting).
    await two.getByRole('link', { name: 'Settings' }).click();
    await two.getByTestId('idle-minutes').fill('30');
    await two.getByTestId('idle-minutes').dispatchEvent('change');
    const before = await leftovers(two);
    assert(before.dbs.includes('keyprint-web') && before.dbs.includes('keyprint') && before.caches.length === 2 && before.workers === 1 && before.local > 0,
      `everything in place before the wipe: ${JSON.stringify(before)}`);

    await one.getByText('Wipe everything', { exact: true }).first().click();
    await one.getByTestId('wipe-sure').check();
    await one.getByTestId('wipe').click();
    // Both tabs reload into the page a wipe leads to.
    for (const page of [one, two]) {
      await page.getByTestId('wiped').waitFor({ timeout: 15_000 });
      await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
    }
    await two.getByRole('link', { name: 'Identity' }).click();
    await two.getByRole('heading', { name: 'Create your identity' }).waitFor({ timeout: 10_000 });
    await two.screenshot({ path: `${OUT}/at-rest-01-wiped.png`, fullPage: true });
    const empty = { dbs: [], caches: [], workers: 0, local: 0, session: 0 };
    for (const page of [one, two]) assert(JSON.stringify(await leftovers(page)) === JSON.stringify(empty), `nothing left: ${JSON.stringify(await leftovers(page))}`);
    // Nothing comes back: the screens that read storage are opened again a moment later.
    await two.getByRole('link', { name: 'Contacts' }).click();
    await two.getByRole('link', { name: 'Chat' }).click();
    await one.getByRole('link', { name: 'Settings' }).click();
    await two.waitForTimeout(1_000);
    for (const page of [one, two]) assert(JSON.stringify(await leftovers(page)) === JSON.stringify(empty), `still nothing: ${JSON.stringify(await leftovers(page))}`);
    assert(problems.length === 0, problems.join('\n'));
  } finally {
    await context.close();
  }
});

test('identity: a stale tab cannot replace the identity another tab created', async ({ browser, url }) => {
  const context = await browser.newContext();
  const problems = [];
  try {
    // Both tabs open on "Create your identity".
    const one = await open(context, url, 'T1', problems);
    const stale = await open(context, url, 'T2', problems);
    await stale.getByRole('heading', { name: 'Create your identity' }).waitFor({ timeout: 10_000 });
    await createWithPassphrase(one, 'Alice');
    await one.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 30_000 });
    const did = (await one.getByTestId('did').textContent()).trim();

    await createWithPassphrase(stale, 'Mallory');
    await stale.getByTestId('error').filter({ hasText: 'already stored in this browser' }).waitFor({ timeout: 30_000 });
    await stale.screenshot({ path: `${OUT}/at-rest-02-stale-tab.png`, fullPage: true });
    await stale.reload();
    await stale.getByTestId('did').waitFor({ timeout: 15_000 });
    assert((await stale.getByTestId('did').textContent()).trim() === did, 'Alice\'s identity is still the one stored');
    await unlock(stale);
    assert(problems.length === 0, problems.join('\n'));
  } finally {
    await context.close();
  }
});

test('idle lock: on by default, 15 minutes; off means off', async ({ browser, url }) => {
  const context = await browser.newContext();
  const problems = [];
  try {
    const page = await context.newPage();
    problems.push(...watch(page, 'I'));
    await page.clock.install();
    await page.goto(`${url}#/identity`);
    await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
    await createWithPassphrase(page, 'Alice');
    const status = page.getByTestId('identity-status');
    await status.filter({ hasText: 'unlocked' }).waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Settings' }).click();
    assert(await page.getByTestId('idle-lock').isChecked() && (await page.getByTestId('idle-minutes').inputValue()) === '15', 'on, 15 minutes, by default');

    await page.clock.fastForward('14:00');
    assert((await status.textContent()).includes('unlocked'), 'still unlocked after 14 minutes');
    await page.clock.fastForward('01:30');
    await status.filter({ hasText: 'locked' }).filter({ hasNotText: 'unlocked' }).waitFor({ timeout: 5_000 });

    // Activity counts: unlock, then keep using the page.
    await page.getByRole('link', { name: 'Identity' }).click();
    await unlock(page);
    await page.clock.fastForward('10:00');
    assert((await status.textContent()).includes('unlocked'), `unlocking restarts the delay, got ${await status.textContent()}`);
    await page.mouse.move(200, 200);
    await page.mouse.wheel(0, 10);
    await page.clock.fastForward('10:00');
    assert((await status.textContent()).includes('unlocked'), 'activity restarts the delay');

    // Off: never locks.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('idle-lock').uncheck();
    await page.clock.fastForward('02:00:00');
    assert((await status.textContent()).includes('unlocked'), 'off: still unlocked after 2 hours');
    assert(problems.length === 0, problems.join('\n'));
  } finally {
    await context.close();
  }
});
