// Chat: messages both ways, a hardware-signed verification receipt, a file, reload + unlock, reconnect delivering what waited in the
// encrypted outbox, and a changed key flagged (needs the lo-only netns).
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { OUT, assert, collector, connectPair, enrolled, linkPages, unlock } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

/** Reload a page (same context: its virtual authenticator survives) and unlock the identity. */
async function reloadAndUnlock(p) {
  await p.page.reload();
  await unlock(p);
}

const outboxRecords = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const r = indexedDB.open('keyprint-web');
  r.onsuccess = () => {
    const q = r.result.transaction('outbox').objectStore('outbox').getAll();
    q.onsuccess = () => { r.result.close(); resolve(q.result.map((v) => ({ peer: v.peer, status: v.status, ct: Array.from(v.ct) }))); };
    q.onerror = () => reject(q.error);
  };
  r.onerror = () => reject(r.error);
}));

test('chat: both ways, a receipt, a file, reload + unlock, reconnect delivers what waited, changed key flagged', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const { a, b } = await connectPair(browser, url);
  await a.page.getByTestId('sas-match').click();
  await b.page.getByTestId('sas-match').click();
  await a.page.getByTestId('open-chat').click({ timeout: 15_000 });
  await b.page.getByTestId('open-chat').click({ timeout: 15_000 });
  const badge = await a.page.getByTestId('verified-badge').first().getAttribute('data-method');
  assert(badge === 'sas', `Alice's chat shows Bob verified by SAS, got ${badge}`);

  // Both ways.
  await a.page.getByTestId('draft').fill('hello Bob');
  await a.page.getByTestId('send').click();
  await b.page.getByTestId('msg-in').filter({ hasText: 'hello Bob' }).waitFor({ timeout: 10_000 });
  await a.page.getByTestId('msg-status').filter({ hasText: 'delivered' }).waitFor({ timeout: 10_000 });
  // Alice's "seen" store is bounded like the CLI's (4,096 ids, oldest first): fill it past the bound
  // with old records (as written before the bound existed), then receive one more message.
  await a.page.evaluate((n) => new Promise((resolve, reject) => {
    const r = indexedDB.open('keyprint-web');
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const t = r.result.transaction('seen', 'readwrite');
      for (let i = 0; i < n; i++) t.objectStore('seen').put(1, `did:key:z6MkOld ${i.toString(16).padStart(32, '0')}`);
      t.oncomplete = () => { r.result.close(); resolve(); };
    };
  }), 4_100);
  await b.page.getByTestId('draft').fill('hi Alice');
  await b.page.getByTestId('send').click();
  await a.page.getByTestId('msg-in').filter({ hasText: 'hi Alice' }).waitFor({ timeout: 10_000 });
  const seen = await a.page.evaluate((bob) => new Promise((resolve, reject) => {
    const r = indexedDB.open('keyprint-web');
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const keys = r.result.transaction('seen').objectStore('seen').getAllKeys();
      keys.onsuccess = () => { r.result.close(); resolve({ count: keys.result.length, bob: keys.result.filter((k) => String(k).startsWith(`${bob} `)).length }); };
    };
  }), b.did);
  assert(seen.count === 4_096 && seen.bob >= 1, `seen store bounded at 4096 with Bob's newest ids kept, got ${JSON.stringify(seen)}`);

  // Alice's security key signs a verification receipt; Bob checks it and records how he knows her.
  await a.page.getByTestId('sign-receipt').click();
  await a.page.getByTestId('sign-receipt').filter({ hasText: 'sent' }).waitFor({ timeout: 10_000 });
  await b.page.getByTestId('their-receipt').filter({ hasText: "Alice's security key signed" }).waitFor({ timeout: 10_000 });
  await b.page.locator('[data-testid="verified-badge"][data-method="receipt"]').waitFor({ timeout: 5_000 });
  assert(await b.page.getByTestId('file-download').count() === 0, 'the receipt is not offered as a file');

  // A ~200 KB file, compared byte for byte on the receiver.
  const bytes = randomBytes(200 * 1024);
  await a.page.getByTestId('file-in').setInputFiles({ name: 'notes.bin', mimeType: 'application/octet-stream', buffer: bytes });
  await b.page.getByTestId('file-download').filter({ hasText: 'notes.bin' }).waitFor({ timeout: 20_000 });
  // Through a real download (the page's CSP forbids fetching blob: URLs, rightly).
  const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.getByTestId('file-download').filter({ hasText: 'notes.bin' }).click()]);
  const saved = await readFile(await download.path());
  const got = { size: saved.length, hash: createHash('sha256').update(saved).digest('hex'), name: download.suggestedFilename() };
  assert(got.size === bytes.length && got.hash === createHash('sha256').update(bytes).digest('hex'), `file bytes equal: ${JSON.stringify(got)}`);
  assert(got.name === 'notes.bin', `download name, got ${got.name}`);
  // A disguised name (U+202E: a file manager shows "invoice\u202Efdp.exe" as "invoiceexe.pdf"): shown
  // with the character made visible, saved under the shared safe name (src/session/file-name.ts).
  await a.page.getByTestId('file-in').setInputFiles({ name: 'invoice\u202Efdp.exe', mimeType: 'application/pdf', buffer: Buffer.from('MZ') });
  const disguised = b.page.getByTestId('file-download').filter({ hasText: 'invoice\\u{202E}fdp.exe' });
  await disguised.waitFor({ timeout: 20_000 });
  const [saved2] = await Promise.all([b.page.waitForEvent('download'), disguised.click()]);
  assert(saved2.suggestedFilename() === 'invoice_fdp.exe', `disguised download name made safe, got ${JSON.stringify(saved2.suggestedFilename())}`);
  await a.page.getByTestId('file-state').filter({ hasText: 'delivered' }).first().waitFor({ timeout: 10_000 });
  await a.page.screenshot({ path: `${OUT}/chat-01-alice-file.png`, fullPage: true });
  await b.page.setViewportSize({ width: 360, height: 780 });
  const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert(overflow <= 0, `Chat: no horizontal overflow at 360 px, got ${overflow}px`);
  await b.page.screenshot({ path: `${OUT}/chat-02-bob-file-phone.png`, fullPage: true });

  // Bob goes away; Alice writes anyway; the message waits, encrypted, in her outbox.
  await b.page.reload();
  await a.page.getByTestId('draft').fill('are you there?');
  await a.page.getByTestId('send').click();
  const pendingStatus = a.page.getByTestId('msg-out').filter({ hasText: 'are you there?' }).getByTestId('msg-status');
  await pendingStatus.waitFor({ timeout: 10_000 });
  assert(!/delivered/.test(await pendingStatus.innerText()), 'not delivered while Bob is gone');
  const records = await outboxRecords(a.page);
  assert(records.length === 1 && records[0].peer === b.did, `one outbox record for Bob, got ${JSON.stringify(records.map((r) => r.peer))}`);
  assert(!Buffer.from(records[0].ct).includes('are you there?'), 'the outbox record is encrypted');

  // Alice reloads too: after unlocking, the undelivered message is back.
  await reloadAndUnlock(a);
  await a.page.getByRole('link', { name: 'Chat' }).click();
  await a.page.getByTestId('msg-out').filter({ hasText: 'are you there?' }).waitFor({ timeout: 10_000 });
  assert(await a.page.getByTestId('msg-out').filter({ hasText: 'hello Bob' }).count() === 0, 'history is off: delivered messages are not kept');
  await a.page.screenshot({ path: `${OUT}/chat-03-alice-after-reload.png`, fullPage: true });

  // Reconnect from the contact: recognised (no SAS), and the waiting message is delivered once.
  await unlock(b); // reloaded above
  await b.page.getByRole('link', { name: 'Connect' }).click();
  await a.page.getByRole('link', { name: 'Contacts' }).click();
  await a.page.getByTestId('contact').filter({ hasText: 'Bob' }).getByTestId('reconnect').click();
  await linkPages(a, b, 'verified');
  assert(/verified before/.test(await a.page.getByTestId('verified').innerText()), 'Alice: recognised without a new SAS');
  await b.page.getByTestId('open-chat').click();
  await b.page.getByTestId('msg-in').filter({ hasText: 'are you there?' }).waitFor({ timeout: 15_000 });
  await a.page.getByTestId('open-chat').click();
  await a.page.getByTestId('msg-out').filter({ hasText: 'are you there?' }).getByTestId('msg-status').filter({ hasText: 'delivered' }).waitFor({ timeout: 15_000 });
  await b.page.waitForTimeout(500);
  const copies = await b.page.getByTestId('msg-in').filter({ hasText: 'are you there?' }).count();
  assert(copies === 1, `Bob sees the message once, got ${copies}`);
  assert((await outboxRecords(a.page)).length === 0, 'delivered: the outbox record is deleted');
  await b.page.screenshot({ path: `${OUT}/chat-04-bob-reconnected.png`, fullPage: true });

  // Someone else enrolls as "Bob" (a new key) and connects: Alice is warned, loudly.
  const b2 = await enrolled(browser, url, 'Bob', 'B2');
  await a.page.getByRole('link', { name: 'Connect' }).click();
  await a.page.getByRole('button', { name: 'Disconnect' }).click();
  await linkPages(b2, a, 'sas');
  const alert = a.page.getByTestId('key-changed');
  assert(await alert.getAttribute('role') === 'alert', 'key change is an alert');
  assert(/"Bob" is the name of Bob, verified by comparing the code on \d{4}-\d\d-\d\d — with another key\./.test(await alert.innerText()), `names the contact whose name it is: ${await alert.innerText()}`);
  assert(await a.page.getByTestId('sas-match').isDisabled(), '"They match" waits for a fresh comparison');
  await a.page.getByTestId('key-change-ack').check();
  assert(await a.page.getByTestId('sas-match').isEnabled(), 'enabled after the user says they compared again');
  assert(await b2.page.getByTestId('key-changed').count() === 0, 'new Bob has no contact Alice: no warning there');
  await a.page.screenshot({ path: `${OUT}/chat-05-key-changed.png`, fullPage: true });
  await a.page.getByTestId('sas-mismatch').click();
  await a.page.getByTestId('cancelled').waitFor({ timeout: 10_000 });

  const problems = [...a.problems, ...b.problems, ...b2.problems];
  assert(problems.length === 0, problems.join('\n'));
  await Promise.all([a.context.close(), b.context.close(), b2.context.close()]);
});
