#!/usr/bin/env node
// Web app end-to-end tests in real headless Chromium (Debian's /usr/bin/chromium or $CHROME_PATH;
// never downloaded), driven by playwright-core. Serves dist-web/ on 127.0.0.1 (opened as
// http://localhost:<port>, a valid WebAuthn RP ID) and uses a DevTools virtual authenticator
// (CTAP 2.1, USB, resident keys, UV, PRF). Screenshots go to test-results/e2e/.
// Usage: npm run build:web && node test/e2e/run.mjs [filter]
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from '../../web/serve.mjs';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];
const OUT = 'test-results/e2e';
const filter = process.argv.slice(2).find((a) => !a.startsWith('--'));

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/** A DevTools virtual authenticator as in the notes (§5.2): CTAP 2.1 over USB with PRF. */
async function addVirtualAuthenticator(context, page) {
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
function watch(page, label) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`${label} pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${label} console.error: ${m.text()}`); });
  return problems;
}

test('identity: enroll with a security key, reload, unlock with one touch', async ({ browser, url }) => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const problems = watch(page, 'A');
  const { cdp, authenticatorId } = await addVirtualAuthenticator(context, page);

  await page.goto(`${url}#/identity`);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await page.screenshot({ path: `${OUT}/identity-01-empty.png`, fullPage: true });

  await page.getByLabel('Your name, as contacts will see it').fill('Ada Lovelace');
  await page.getByTestId('enroll').click();
  await page.getByTestId('did').waitFor({ timeout: 30_000 });
  const did = (await page.getByTestId('did').textContent()).trim();
  assert(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/.test(did), `did:key shown, got ${did}`);
  const trust = (await page.getByTestId('trust').textContent()).trim();
  assert(trust === 'attested-unknown-vendor', `trust is attested-unknown-vendor (Chromium's self-signed batch certificate), got ${trust}`);
  const half = (await page.getByTestId('safety-half').textContent()).trim();
  assert(/^(\d{5} ){5}\d{5}$/.test(half), `safety-number half is 6×5 digits, got ${half}`);
  const model = (await page.getByTestId('model').textContent()).trim();
  assert(model === 'unknown authenticator', `model for Chromium's AAGUID, got ${model}`);
  assert((await page.getByTestId('lock-state').textContent()).trim() === 'Unlocked', 'unlocked after enrollment');
  const creds = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert(creds.credentials.length === 1 && creds.credentials[0].isResidentCredential && creds.credentials[0].rpId === 'localhost',
    `one resident credential for rpId localhost, got ${JSON.stringify(creds.credentials.map((c) => [c.rpId, c.isResidentCredential]))}`);
  await page.screenshot({ path: `${OUT}/identity-02-enrolled.png`, fullPage: true });

  await page.reload();
  await page.getByTestId('unlock').waitFor({ timeout: 15_000 });
  assert((await page.getByTestId('lock-state').textContent()).trim() === 'Locked', 'locked after reload');
  assert((await page.getByTestId('did').textContent()).trim() === did, 'same did:key shown while locked');
  await page.screenshot({ path: `${OUT}/identity-03-locked.png`, fullPage: true });

  await page.getByTestId('unlock').click();
  await page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 30_000 });
  assert((await page.getByTestId('did').textContent()).trim() === did, 'same did:key after unlock');
  assert(!(await page.getByTestId('error').count()), 'no error shown');
  await page.screenshot({ path: `${OUT}/identity-04-unlocked.png`, fullPage: true });

  // Phone width: the layout reflows without horizontal scrolling.
  await page.setViewportSize({ width: 360, height: 780 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert(overflow <= 0, `no horizontal overflow at 360 px, got ${overflow}px`);
  await page.screenshot({ path: `${OUT}/identity-05-phone.png`, fullPage: true });

  assert(problems.length === 0, problems.join('\n'));
  await context.close();
});

test('identity: a wrong security key does not unlock', async ({ browser, url }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const first = await addVirtualAuthenticator(context, page);
  await page.goto(`${url}#/identity`);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await page.getByLabel('Your name, as contacts will see it').fill('Bob');
  await page.getByTestId('enroll').click();
  await page.getByTestId('did').waitFor({ timeout: 30_000 });
  // Swap in another key: it does not hold the credential, so the browser finds none and the request fails.
  await first.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: first.authenticatorId });
  await first.cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, hasPrf: true, automaticPresenceSimulation: true },
  });
  await page.reload();
  await page.getByTestId('unlock').click();
  await page.getByTestId('error').waitFor({ timeout: 30_000 });
  assert((await page.getByTestId('lock-state').textContent()).trim() === 'Locked', 'still locked');
  await page.screenshot({ path: `${OUT}/identity-06-wrong-key.png`, fullPage: true });
  await context.close();
});

test('identity: passphrase fallback is labelled weaker and unlocks', async ({ browser, url }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watch(page, 'P');
  await page.goto(`${url}#/identity`);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await page.getByLabel('Your name, as contacts will see it').fill('Carol');
  await page.getByRole('radio', { name: /passphrase only/ }).check();
  await page.getByLabel('Passphrase (at least 12 characters)').fill('correct horse battery staple');
  await page.getByLabel('Repeat the passphrase').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create with passphrase' }).click();
  await page.getByTestId('did').waitFor({ timeout: 60_000 });
  const did = (await page.getByTestId('did').textContent()).trim();
  assert(/weaker/.test(await page.getByTestId('trust').textContent()), 'labelled weaker');
  await page.reload();
  await page.getByLabel('Passphrase').fill('wrong passphrase!!');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByTestId('error').waitFor({ timeout: 60_000 });
  await page.getByLabel('Passphrase').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 60_000 });
  assert((await page.getByTestId('did').textContent()).trim() === did, 'same did:key');
  await page.screenshot({ path: `${OUT}/identity-07-passphrase.png`, fullPage: true });
  assert(problems.length === 0, problems.join('\n'));
  await context.close();
});

test('identity: on an IP address the app explains why security keys cannot work', async ({ browser, url }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url.replace('//localhost:', '//127.0.0.1:') + '#/identity');
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await page.getByLabel('Your name, as contacts will see it').fill('Dan');
  const hint = page.getByRole('alert').filter({ hasText: 'IP address' });
  await hint.waitFor({ timeout: 5_000 });
  assert((await hint.innerText()).includes('http://localhost:'), 'points to localhost');
  assert(await page.getByTestId('enroll').isDisabled(), 'enroll disabled');
  await context.close();
});

/** Enrolls an identity in a fresh context with its own virtual authenticator; returns { context, page, did }. */
async function enrolled(browser, url, name, label) {
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

const sasOf = async (page) => ({
  emoji: (await page.getByTestId('sas-emoji').innerText()).trim(),
});

/** Two enrolled contexts that exchange invitation and answer texts until both show the SAS. */
async function connectPair(browser, url) {
  const a = await enrolled(browser, url, 'Alice', 'A');
  const b = await enrolled(browser, url, 'Bob', 'B');

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

test('connect: copy-paste signaling, same SAS on both sides, confirm, message delivered', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const { a, b } = await connectPair(browser, url);
  const sasA = await sasOf(a.page);
  const sasB = await sasOf(b.page);
  assert(sasA.emoji.length > 0 && sasA.emoji === sasB.emoji, `same emoji SAS: ${JSON.stringify(sasA.emoji)} vs ${JSON.stringify(sasB.emoji)}`);
  for (const [view, id] of [['Words', 'sas-words'], ['Numbers', 'sas-numbers']]) {
    await a.page.getByText(view, { exact: true }).click();
    await b.page.getByText(view, { exact: true }).click();
    const x = (await a.page.getByTestId(id).innerText()).trim();
    const y = (await b.page.getByTestId(id).innerText()).trim();
    assert(x.length > 0 && x === y, `same ${view}: ${x} vs ${y}`);
  }
  await a.page.getByText('Emoji', { exact: true }).click();
  await b.page.getByText('Emoji', { exact: true }).click();
  await a.page.screenshot({ path: `${OUT}/connect-01-sas-alice.png`, fullPage: true });
  await b.page.setViewportSize({ width: 360, height: 780 });
  const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert(overflow <= 0, `SAS panel: no horizontal overflow at 360 px, got ${overflow}px`);
  await b.page.screenshot({ path: `${OUT}/connect-02-sas-bob-phone.png`, fullPage: true });

  await a.page.getByTestId('sas-match').click();
  await b.page.getByTestId('sas-match').click();
  await a.page.getByTestId('verified').waitFor({ timeout: 15_000 });
  await b.page.getByTestId('verified').waitFor({ timeout: 15_000 });
  assert((await a.page.getByTestId('verified').innerText()).includes('Bob'), 'Alice verified Bob');
  assert((await b.page.getByTestId('verified').innerText()).includes(a.did), 'Bob sees Alice\'s did:key');

  await a.page.getByTestId('open-chat').click();
  await b.page.getByTestId('open-chat').click();
  await a.page.bringToFront();
  await a.page.getByTestId('draft').fill('hello Bob, this is Alice');
  await a.page.getByTestId('send').click();
  await b.page.getByTestId('msg-in').filter({ hasText: 'hello Bob, this is Alice' }).waitFor({ timeout: 15_000 });
  await a.page.getByTestId('msg-status').filter({ hasText: 'delivered' }).waitFor({ timeout: 15_000 });
  await b.page.bringToFront();
  await b.page.getByTestId('draft').fill('hi Alice');
  await b.page.getByTestId('send').click();
  await a.page.getByTestId('msg-in').filter({ hasText: 'hi Alice' }).waitFor({ timeout: 15_000 });
  await a.page.screenshot({ path: `${OUT}/connect-03-chat-alice.png`, fullPage: true });
  await b.page.screenshot({ path: `${OUT}/connect-04-chat-bob.png`, fullPage: true });

  await a.page.getByRole('link', { name: 'Contacts' }).click();
  await a.page.getByTestId('contacts').filter({ hasText: 'Bob' }).waitFor({ timeout: 5_000 });
  await a.page.screenshot({ path: `${OUT}/connect-05-contacts-alice.png`, fullPage: true });

  const problems = [...a.problems, ...b.problems];
  assert(problems.length === 0, problems.join('\n'));
  await a.context.close();
  await b.context.close();
});

test('connect: "They don\'t match" cancels the session on both sides', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const { a, b } = await connectPair(browser, url);
  await b.page.getByTestId('sas-mismatch').click();
  await b.page.getByTestId('cancelled').waitFor({ timeout: 15_000 });
  await a.page.getByTestId('cancelled').waitFor({ timeout: 15_000 });
  assert(/did not match/.test(await b.page.getByTestId('cancelled').innerText()), 'Bob is told the codes did not match');
  assert(/did not match/.test(await a.page.getByTestId('cancelled').innerText()), 'Alice is told too');
  await a.page.getByRole('link', { name: 'Contacts' }).click();
  assert(await a.page.getByText('No verified contacts yet.').isVisible(), 'nobody stored as verified');
  await a.page.getByRole('link', { name: 'Connect' }).click();
  await a.page.screenshot({ path: `${OUT}/connect-06-mismatch.png`, fullPage: true });
  const problems = [...a.problems, ...b.problems];
  assert(problems.length === 0, problems.join('\n'));
  await a.context.close();
  await b.context.close();
});

async function main() {
  if (!existsSync(CHROME)) throw new Error(`Chromium not found at ${CHROME} (apt-get install chromium, or set CHROME_PATH)`);
  await mkdir(OUT, { recursive: true });
  const server = await serve({ dir: 'dist-web', port: 0 });
  const netns = process.env.KEYPRINT_E2E_NETNS === '1';
  const browser = await chromium.launch({ executablePath: CHROME, args: [...ARGS, ...(netns ? ['--allow-loopback-in-peer-connection'] : [])], headless: true });
  let failed = 0, passed = 0, skippedCount = 0;
  try {
    for (const t of tests) {
      if (filter && !t.name.includes(filter)) continue;
      const t0 = Date.now();
      try {
        const skipped = await t.fn({ browser, url: server.url, netns });
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
  // The plain closing line CI tools read: "N passed, N failed, N skipped".
  console.log(`e2e: ${passed} passed, ${failed} failed, ${skippedCount} skipped`);
  process.exitCode = failed ? 1 : 0;
}

await main();
