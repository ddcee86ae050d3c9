// The same contacts situation, shown by the web app and by the terminal, must read the same: both
// render the conversation layer's warning (src/session/conversation.ts), neither words its own.
// Alice (browser) verifies "Terminal Tess"; Wendy (terminal) holds the very same contact record;
// then an impostor enrolled as "Terminal Tess" with another key connects to each of them. Both are
// warned before the code, with identical text, and "verified" is withheld until they compare.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, assert, collector, enrolled } from '../harness.mjs';
import { browserInvitesTerminal, chatProcess, compareAndConfirm, terminalIdentity, type } from '../terminal.mjs';

const { test, tests } = collector();
export { tests };

test('warnings: the web app and the terminal show the same warning for the same peer and contacts', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const [tess, wendy, impostor, a] = await Promise.all([
    terminalIdentity('Terminal Tess'), terminalIdentity('Wendy'), terminalIdentity('Terminal Tess'), enrolled(browser, url, 'Alice', 'A'),
  ]);
  const procs = [];
  const start = (who) => { const p = chatProcess(['--home', who.home, '--device', who.device, '--bind', '127.0.0.1']); procs.push(p); return p; };
  try {
    // Alice verifies the real Tess by comparing the code.
    const real = start(tess);
    await real.next(type('ready'), 'unlock (Tess)');
    const first = await browserInvitesTerminal(a.page, real);
    await compareAndConfirm(a.page, real, first.sas);
    await real.quit();

    // Wendy's contacts hold exactly Alice's record of Tess (same key, name, method and time).
    const [record] = await a.page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('keyprint-web');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const req = open.result.transaction('contacts').objectStore('contacts').getAll();
        req.onsuccess = () => resolve(req.result.map((c) => ({ ...c, identityPublicKey: Array.from(c.identityPublicKey) })));
        req.onerror = () => reject(req.error);
      };
    }));
    assert(record?.contactId === tess.did && record.displayName === 'Terminal Tess', `Alice's contact is Tess: ${JSON.stringify(record)}`);
    writeFileSync(join(wendy.home, 'contacts.json'), JSON.stringify({
      version: 1,
      contacts: [{
        did: record.contactId, displayName: record.displayName, identityPublicKey: Buffer.from(record.identityPublicKey).toString('base64url'),
        verifiedBy: record.verifiedBy, verifiedAt: new Date(record.verifiedAt).toISOString(),
      }],
    }), { mode: 0o600 });

    // The impostor reaches Alice: a warning above the code, "They match" held back.
    const fake = start(impostor);
    await fake.next(type('ready'), 'unlock (impostor)');
    await a.page.getByTestId('cancelled').waitFor({ timeout: 15_000 }); // Tess left
    await a.page.getByRole('button', { name: 'Start over' }).click();
    await browserInvitesTerminal(a.page, fake);
    const web = (await a.page.getByTestId('warning-text').innerText()).trim();
    assert(await a.page.getByTestId('sas-match').isDisabled(), 'web: "They match" waits for a fresh comparison');
    await a.page.screenshot({ path: `${OUT}/warnings-01-web.png`, fullPage: true });
    await a.page.getByTestId('sas-mismatch').click();
    await fake.next(type('cancelled'), 'cancelled (impostor, by Alice)');

    // The impostor reaches Wendy's terminal: the same warning, before the code.
    const w = start(wendy);
    await w.next(type('ready'), 'unlock (Wendy)');
    fake.send('/invite');
    const offer = (await fake.next(type('signal'), 'invite')).text;
    w.send(`/accept ${offer}`);
    const answer = (await w.next(type('signal'), 'answer')).text;
    fake.send(answer);
    const warned = await w.next(type('key-changed'), 'warning (Wendy)');
    const sas = await w.next(type('sas'), 'SAS (Wendy)');
    assert(warned.kind === 'name-taken' && warned.previous.did === tess.did && sas.peer.did === impostor.did, `terminal warning about Tess's name: ${JSON.stringify(warned)}`);
    assert(warned.text === web, `identical warnings:\n  web:      ${web}\n  terminal: ${warned.text}`);
    assert(/^"Terminal Tess" is the name of Terminal Tess, verified by comparing the code on \d{4}-\d\d-\d\d — with another key\./.test(web), `the layer's sentence: ${web}`);
    w.send('/reject');
    await w.next(type('cancelled'), 'cancelled (Wendy)');
    assert(a.problems.length === 0, a.problems.join('\n'));
  } finally {
    for (const p of procs) await p.quit();
    await a.context.close();
    for (const t of [tess, wendy, impostor]) t.close();
  }
});
