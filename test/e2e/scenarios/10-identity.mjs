// Identity screen: enrolment with a security key, unlock, wrong key, passphrase fallback.
import { OUT, a11y, addVirtualAuthenticator, assert, collector, watch } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

test('identity: enroll with a security key, reload, unlock with one touch', async ({ browser, url }) => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const problems = watch(page, 'A');
  const { cdp, authenticatorId } = await addVirtualAuthenticator(context, page);

  await page.goto(`${url}#/identity`);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await page.screenshot({ path: `${OUT}/identity-01-empty.png`, fullPage: true });
  // First visit: what the app is for and its three steps; nothing to wipe yet (issue 20 item 4).
  assert(/Identity[\s\S]*Connect[\s\S]*Compare/.test(await page.getByTestId('welcome').innerText()), 'the three steps are explained');
  assert(await page.getByTestId('wipe').count() === 0, '"Wipe everything" is not offered with nothing stored');
  await a11y(page, 'identity: first visit');
  for (const screen of ['Connect', 'Chat', 'Contacts', 'Card', 'Settings']) {
    await page.getByRole('link', { name: screen }).click();
    await page.waitForFunction((s) => document.activeElement?.tagName === 'H2', screen, { timeout: 5_000 });
    await a11y(page, `${screen.toLowerCase()}: no identity yet`);
  }
  await page.getByRole('link', { name: 'Identity' }).click();

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
  // After enrolling: the next step, focused (issue 20 items 4, 5).
  await page.getByTestId('next-step').waitFor({ timeout: 5_000 });
  assert(await page.evaluate(() => document.activeElement?.id === 'next-title'), 'focus on the next step');
  await a11y(page, 'identity: enrolled, next step');

  await page.reload();
  await page.getByTestId('unlock').waitFor({ timeout: 15_000 });
  assert((await page.getByTestId('lock-state').textContent()).trim() === 'Locked', 'locked after reload');
  assert((await page.getByTestId('did').textContent()).trim() === did, 'same did:key shown while locked');
  await page.screenshot({ path: `${OUT}/identity-03-locked.png`, fullPage: true });
  await a11y(page, 'identity: locked');

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

