// Storage at rest: what IndexedDB holds (encrypted outbox and history), "forget this contact" and
// "wipe everything" deleting for real, and the encrypted contacts backup surviving a wipe.
// Contacts are seeded as records (one "verified by card", one by SAS) so no second browser is needed.
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { base58 } from '@scure/base';
import { OUT, assert, collector, enrolled } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

/** Every record of the app's database, store by store: { store: [{ key, value }] } (bytes as arrays). */
const dump = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const r = indexedDB.open('keyprint-web');
  r.onerror = () => reject(r.error);
  r.onsuccess = () => {
    const db = r.result;
    const names = [...db.objectStoreNames];
    const t = db.transaction(names);
    const out = {};
    let left = names.length;
    for (const n of names) {
      const keys = t.objectStore(n).getAllKeys();
      const values = t.objectStore(n).getAll();
      values.onsuccess = () => {
        out[n] = keys.result.map((k, i) => ({ key: String(k), value: JSON.parse(JSON.stringify(values.result[i], (_, v) => (v instanceof Uint8Array ? Array.from(v) : v))) }));
        if (--left === 0) { db.close(); resolve(out); }
      };
    }
  };
}));

/** A fresh Ed25519 identity key (as an array) and its did:key (multicodec 0xed01, base58btc). */
function identityKey() {
  const key = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x, 'base64url');
  return { identityPublicKey: Array.from(key), did: `did:key:z${base58.encode(Buffer.concat([Buffer.from([0xed, 0x01]), key]))}` };
}

const seed = (page, contacts) => page.evaluate((list) => new Promise((resolve, reject) => {
  const r = indexedDB.open('keyprint-web');
  r.onerror = () => reject(r.error);
  r.onsuccess = () => {
    const t = r.result.transaction('contacts', 'readwrite');
    for (const c of list) t.objectStore('contacts').put({ ...c, identityPublicKey: new Uint8Array(c.identityPublicKey) }, c.contactId);
    t.oncomplete = () => { r.result.close(); resolve(); };
  };
}), contacts);

async function queue(page, name, text) {
  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.getByTestId('contact').filter({ hasText: name }).getByTestId('write').click();
  await page.getByTestId('offline').waitFor({ timeout: 5_000 });
  await page.getByTestId('draft').fill(text);
  await page.getByTestId('send').click();
  await page.getByTestId('msg-out').filter({ hasText: text }).getByTestId('msg-status').filter({ hasText: 'waiting' }).waitFor({ timeout: 5_000 });
}

async function importBackup(page, file, passphrase) {
  await page.getByTestId('import-file').setInputFiles({ name: 'contacts.kpcb', mimeType: 'application/octet-stream', buffer: file });
  await page.getByTestId('import-pass').fill(passphrase);
  await page.getByTestId('import').click();
}

test('storage: encrypted at rest; forget and wipe delete for real; the contacts backup survives a wipe', async ({ browser, url }) => {
  const a = await enrolled(browser, url, 'Alice', 'A');
  const { page } = a;
  // Two contacts: Carol (checked against her card), Dave (compared code).
  const carolKey = identityKey(), daveKey = identityKey();
  const carol = { displayName: 'Carol', identityPublicKey: carolKey.identityPublicKey, verifiedAt: 1_764_000_000_000, verifiedBy: 'card', contactId: carolKey.did };
  // An id as an older record might file it; the outbox files by the key's did:key.
  const dave = { displayName: 'Dave', identityPublicKey: daveKey.identityPublicKey, verifiedAt: 1_764_000_000_001, verifiedBy: 'sas', contactId: 'contact-dave' };
  await seed(page, [carol, dave]); // the Contacts screen reads them when it opens

  // History on, then one message waiting for each (they are offline).
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.getByTestId('keep-history').check();
  await queue(page, 'Carol', 'secret for Carol');
  await queue(page, 'Dave', 'secret for Dave');
  await page.screenshot({ path: `${OUT}/storage-01-waiting.png`, fullPage: true });
  let db = await dump(page);
  assert(db.outbox.length === 2 && db.history.length === 2, `2 outbox + 2 history records, got ${db.outbox.length} + ${db.history.length}`);
  const raw = JSON.stringify(db.outbox) + JSON.stringify(db.history);
  for (const rec of [...db.outbox, ...db.history]) {
    assert(!Buffer.from(rec.value.ct).toString('latin1').includes('secret for'), 'message text is not stored in the clear');
  }
  assert(!raw.includes('secret for'), 'no plaintext anywhere in outbox/history');
  const peers = new Set(db.outbox.map((r) => r.value.peer));
  assert(peers.size === 2, `records filed under two peers, got ${[...peers]}`);

  // Forget Dave: his contact, outbox and history records are gone; Carol's stay.
  await page.getByRole('link', { name: 'Contacts' }).click();
  const daveRow = page.getByTestId('contact').filter({ hasText: 'Dave' });
  await daveRow.getByTestId('forget').click();
  await daveRow.getByTestId('forget-confirm').click();
  await page.getByTestId('contact').filter({ hasText: 'Dave' }).waitFor({ state: 'detached', timeout: 5_000 });
  db = await dump(page);
  assert(db.contacts.length === 1 && db.contacts[0].value.displayName === 'Carol', `only Carol left, got ${db.contacts.map((c) => c.value.displayName)}`);
  assert(db.outbox.length === 1 && db.history.length === 1, `Dave's outbox and history deleted, left ${db.outbox.length} + ${db.history.length}`);
  assert(!JSON.stringify(db).includes('Dave'), 'nothing names Dave any more');
  const daveDid = [...peers].find((p) => p !== db.outbox[0].value.peer);
  assert(!JSON.stringify(db).includes(daveDid), 'nothing is filed under Dave\'s did:key');

  // Export the contacts (encrypted, signed by Alice's identity), then wipe everything.
  await page.getByTestId('export-pass').fill('a long backup passphrase');
  await page.getByTestId('export').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-download').click()]);
  const backup = await readFile(await download.path());
  assert(backup.subarray(0, 4).toString('latin1') === 'KPCB' && !backup.includes('Carol'), 'backup file: magic header, no name in the clear');
  await page.setViewportSize({ width: 360, height: 780 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert(overflow <= 0, `Contacts: no horizontal overflow at 360 px, got ${overflow}px`);
  await page.screenshot({ path: `${OUT}/storage-02-contacts-backup-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // Alice's own backup, opened by her identity: previewed, then Carol comes back verified by card.
  await page.getByTestId('contact').filter({ hasText: 'Carol' }).getByTestId('forget').click();
  await page.getByTestId('contact').filter({ hasText: 'Carol' }).getByTestId('forget-confirm').click();
  await page.getByTestId('contact').filter({ hasText: 'Carol' }).waitFor({ state: 'detached', timeout: 5_000 });
  await importBackup(page, backup, 'a long backup passphrase');
  await page.getByTestId('import-preview').waitFor({ timeout: 15_000 });
  assert(await page.getByTestId('import-preview').getAttribute('data-origin') === 'own', 'her own backup');
  assert((await page.getByTestId('contact').count()) === 0, 'nothing stored before the preview is confirmed');
  await page.getByTestId('import-confirm').click();
  await page.getByTestId('backup-result').filter({ hasText: 'Imported 1 contact.' }).waitFor({ timeout: 5_000 });
  assert(await page.getByTestId('contact').filter({ hasText: 'Carol' }).getByTestId('verified-badge').getAttribute('data-method') === 'card', 'own backup: Carol verified by card again');

  await page.getByRole('link', { name: 'Identity' }).click();
  await page.getByText('Wipe everything', { exact: true }).first().click(); // open the <details>
  await page.getByTestId('wipe-sure').check();
  await page.screenshot({ path: `${OUT}/storage-03-wipe.png`, fullPage: true });
  await Promise.all([page.waitForEvent('load'), page.getByTestId('wipe').click()]);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await page.getByRole('heading', { name: 'Create your identity' }).waitFor({ timeout: 10_000 });
  const left = await page.evaluate(async () => ({ dbs: (await indexedDB.databases()).map((d) => d.name), local: localStorage.length, session: sessionStorage.length }));
  assert(left.dbs.filter((n) => n.startsWith('keyprint')).length === 0, `no keyprint database after the wipe, got ${left.dbs}`);
  assert(left.local === 0 && left.session === 0, `web storage empty, got ${JSON.stringify(left)}`);

  // Import after the wipe (no identity: the file is not this browser's own): a wrong passphrase is
  // refused clearly; the right one shows the preview and brings Carol back, not verified.
  await page.getByRole('link', { name: 'Contacts' }).click();
  await importBackup(page, backup, 'not the passphrase');
  await page.getByTestId('backup-result').filter({ hasText: 'Wrong passphrase' }).waitFor({ timeout: 15_000 });
  assert(await page.getByTestId('backup-result').getAttribute('role') === 'alert', 'the failure is an alert');
  await importBackup(page, backup, 'a long backup passphrase');
  await page.getByTestId('import-preview').waitFor({ timeout: 15_000 });
  assert(await page.getByTestId('import-preview').getAttribute('data-origin') === 'foreign', 'not this browser\'s identity');
  assert(await page.getByTestId('import-item').getAttribute('data-outcome') === 'added', 'Carol to add');
  await page.getByTestId('import-confirm').click();
  await page.getByTestId('backup-result').filter({ hasText: 'Imported 1 contact (not verified)' }).waitFor({ timeout: 15_000 });
  const row = page.getByTestId('contact').filter({ hasText: 'Carol' });
  assert(await row.getByTestId('verified-badge').getAttribute('data-method') === 'unverified', 'Carol is back, not verified');
  await page.screenshot({ path: `${OUT}/storage-04-imported.png`, fullPage: true });

  assert(a.problems.length === 0, a.problems.join('\n'));
  await a.context.close();
});
