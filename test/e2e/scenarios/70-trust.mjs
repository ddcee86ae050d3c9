// Security key trust in the browser (issue #17): the Settings screen keeps the same trust store as
// `keyprint trust` — the library decides, the page renders. Alice enrolls with Chromium's virtual
// authenticator (a self-signed batch certificate: attested-unknown-vendor); trusting that certificate
// makes the same identity hardware-attested, removing it undoes that; a synthetic FIDO MDS3 BLOB
// (signed under a test root, named as a private metadata service) names the model, and a newer one
// reporting it compromised makes the page say so. It all survives a reload.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OUT, assert, collector, enrolled } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

/** The identity's bundle bytes, read from the app's IndexedDB record (public data). */
const bundleHex = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const r = indexedDB.open('keyprint-web');
  r.onerror = () => reject(r.error);
  r.onsuccess = () => {
    const g = r.result.transaction('profile').objectStore('profile').get('identity');
    g.onsuccess = () => { r.result.close(); resolve([...g.result.bundleBytes].map((b) => b.toString(16).padStart(2, '0')).join('')); };
  };
}));

const trustBadge = async (page) => {
  await page.getByRole('link', { name: 'Identity' }).click();
  return (await page.getByTestId('trust').textContent()).trim();
};

test('trust: add and remove an anchor, import MDS3 BLOBs (certified, then compromised) — the identity\'s verdict follows', async ({ browser, url }) => {
  const a = await enrolled(browser, url, 'Alice', 'A');
  const { page } = a;
  assert(await trustBadge(page) === 'attested-unknown-vendor', 'a virtual authenticator enrolls as attested-unknown-vendor');
  const dir = await mkdtemp(join(tmpdir(), 'keyprint-e2e-trust-'));
  await run(process.execPath, ['--import', 'tsx', 'test/e2e/trust-fixtures.ts', dir, await bundleHex(page)], { cwd: ROOT, timeout: 60_000 });

  // (a) An anchor of the user's own.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('trust-none').waitFor();
  await page.getByTestId('trust-file').setInputFiles(join(dir, 'anchor.pem'));
  await page.getByTestId('trust-vendor').fill('Chromium test batch');
  await page.getByTestId('trust-add').click();
  await page.getByTestId('trust-anchor').filter({ hasText: 'Chromium test batch' }).waitFor({ timeout: 10_000 });
  assert(/anchor\.pem/.test(await page.getByTestId('trust-anchor').textContent()), 'the anchor shows where it came from');
  await page.screenshot({ path: `${OUT}/trust-01-anchor.png`, fullPage: true });
  assert(await trustBadge(page) === 'hardware-attested', 'with the anchor the same identity is hardware-attested');
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('trust-add').waitFor();
  await page.getByTestId('trust-file').setInputFiles(join(dir, 'anchor.pem'));
  await page.getByTestId('trust-add').click();
  assert(/already trusted/.test(await page.getByTestId('trust-error').textContent({ timeout: 10_000 })), 'a duplicate is refused with a reason');
  await page.getByTestId('trust-remove').click();
  await page.getByTestId('trust-none').waitFor({ timeout: 10_000 });
  assert(await trustBadge(page) === 'attested-unknown-vendor', 'removing the anchor undoes it');

  // (b) FIDO metadata: refused under the FIDO Alliance's root, accepted under the named private root.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('mds-file').setInputFiles(join(dir, 'mds-1.jwt'));
  await page.getByTestId('mds-import').click();
  assert(/is not trusted/.test(await page.getByTestId('trust-error').textContent({ timeout: 15_000 })), 'a BLOB not under the FIDO root is refused');
  await page.getByTestId('mds-file').setInputFiles(join(dir, 'mds-1.jwt'));
  await page.locator('details').filter({ hasText: 'A private metadata service' }).locator('summary').click();
  await page.getByTestId('mds-root').setInputFiles(join(dir, 'mds-root.pem'));
  await page.getByTestId('mds-import').click();
  const summary = await page.getByTestId('mds-summary').textContent({ timeout: 15_000 });
  assert(/BLOB no\. 1: 1 authenticator models, 0 reported compromised/.test(summary), `summary, got ${summary}`);
  assert(await trustBadge(page) === 'hardware-attested', 'a listed model is hardware-attested');
  const model = (await page.getByTestId('model').textContent()).trim();
  assert(model === 'Chromium virtual authenticator (MDS test entry)', `the model comes from the BLOB, got ${model}`);

  // (c) A newer BLOB reports the model compromised.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('mds-file').setInputFiles(join(dir, 'mds-2.jwt'));
  await page.locator('details').filter({ hasText: 'A private metadata service' }).locator('summary').click();
  await page.getByTestId('mds-root').setInputFiles(join(dir, 'mds-root.pem'));
  await page.getByTestId('mds-import').click();
  await page.getByTestId('mds-summary').filter({ hasText: '1 reported compromised' }).waitFor({ timeout: 15_000 });
  await page.getByRole('link', { name: 'Identity' }).click();
  const refused = await page.getByTestId('attestation-refused').textContent({ timeout: 10_000 });
  assert(/USER_VERIFICATION_BYPASS since 2026-09-09/.test(refused), `the identity screen says why, got ${refused}`);
  await page.screenshot({ path: `${OUT}/trust-02-refused.png`, fullPage: true });

  // (d) Kept across a reload.
  await page.reload();
  await page.getByTestId('attestation-refused').waitFor({ timeout: 15_000 });
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('mds-summary').filter({ hasText: 'BLOB no. 2' }).waitFor({ timeout: 10_000 });
  await page.getByTestId('mds-forget').click();
  await page.getByRole('link', { name: 'Identity' }).click();
  await page.getByTestId('trust').filter({ hasText: 'attested-unknown-vendor' }).waitFor({ timeout: 10_000 });
  assert(a.problems.length === 0, `no page errors: ${a.problems.join('; ')}`);
  await a.context.close();
});
