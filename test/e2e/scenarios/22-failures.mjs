// Failing well in the web app (issue 20): a tampered answer, a bad paste, and a reload before
// chatting each end in a state that names the real cause and has a working way out; axe checks
// every such state. Needs the lo-only netns (WebRTC).
import { OUT, a11y, assert, collector, enrolled, linkPages } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

/** The answer with one bit of its DTLS fingerprint flipped (compact signal layout, docs/PROTOCOL.md). */
function tamperFingerprint(text) {
  const b = Buffer.from(text, 'base64url');
  const ufrag = b[2], pwd = b[3 + ufrag];
  const fingerprint = 3 + ufrag + 1 + pwd; // version, flags, ufrag, pwd, then 32 bytes
  b[fingerprint + 9] ^= 0x10;
  return b.toString('base64url');
}

const reason = async (page) => (await page.getByTestId('cancel-reason').innerText()).trim();

test('failures: a bad paste keeps the text and says what is wrong; a tampered answer is a failed secure handshake, with a way out', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const a = await enrolled(browser, url, 'Alice', 'A');
  const b = await enrolled(browser, url, 'Bob', 'B');
  try {
    await a11y(a.page, 'connect: idle');
    await a.page.getByTestId('create-offer').click();
    const offer = (await a.page.getByTestId('signal-out').inputValue({ timeout: 15_000 })).trim();
    await a11y(a.page, 'connect: invitation made');
    await b.page.getByTestId('offer-in').fill(offer);
    await b.page.getByTestId('accept-offer').click();
    const answer = (await b.page.getByTestId('signal-out').inputValue({ timeout: 15_000 })).trim();
    await a11y(b.page, 'connect: answer made');

    // Bad pastes: the text stays in the field, the message says what it is (issue 20 item 2).
    for (const [text, expected] of [
      [offer, 'this is an invitation, not an answer: paste the answer your contact sent back'],
      [answer.slice(0, answer.length - 5), `cut off: ${answer.length - 5} of ${answer.length} characters — copy the whole answer again`],
      ['https://example.org/', 'not a keyprint code: it has characters a keyprint code never has (":/.")'],
    ]) {
      await a.page.getByTestId('answer-in').fill(text);
      await a.page.getByTestId('accept-answer').click();
      const said = (await a.page.getByTestId('signal-error').innerText({ timeout: 5_000 })).trim();
      assert(said === expected, `paste error: expected "${expected}", got "${said}"`);
      assert(await a.page.getByTestId('answer-in').inputValue() === text, 'the pasted text is still there');
      assert(await a.page.getByTestId('answer-in').getAttribute('aria-invalid') === 'true', 'the field is marked invalid');
    }
    await a.page.screenshot({ path: `${OUT}/failures-01-bad-paste.png`, fullPage: true });
    await a11y(a.page, 'connect: a bad paste');

    // A tampered answer: ICE connects, DTLS refuses — the answer may have been changed (item 1).
    await a.page.getByTestId('answer-in').fill(tamperFingerprint(answer));
    await a.page.getByTestId('accept-answer').click();
    await a.page.getByTestId('cancelled').waitFor({ timeout: 35_000 });
    assert(await a.page.getByTestId('cancelled').getAttribute('data-cause') === 'handshake', `Alice: cause handshake, got ${await a.page.getByTestId('cancelled').getAttribute('data-cause')}`);
    assert(await reason(a.page) === 'The secure connection could not be set up: the answer may have been changed on the way. Get it again from your contact, directly, and start over.', `Alice is told: ${await reason(a.page)}`);
    assert(!/TURN|network path/.test(await reason(a.page)), 'not blamed on the network');
    await b.page.getByTestId('cancelled').waitFor({ timeout: 35_000 });
    assert(/could not be set up: the invitation or your answer may have been changed on the way/.test(await reason(b.page)), `Bob is told: ${await reason(b.page)}`);
    // The texts stay for inspection; the way out is focused and works.
    await a.page.getByTestId('exchanged').locator('summary').click();
    assert(await a.page.locator('#sent-text').inputValue() === offer, 'the invitation is kept for inspection');
    assert(await a.page.locator('#received-text').inputValue() === tamperFingerprint(answer), 'the tampered answer is kept for inspection');
    await a.page.screenshot({ path: `${OUT}/failures-02-tampered-answer.png`, fullPage: true });
    await a11y(a.page, 'connect: tampered answer');
    await a11y(b.page, 'connect: tampered answer (responder)');
    await a.page.getByTestId('start-over').click();
    await b.page.getByTestId('start-over').click();
    await linkPages(a, b, 'sas');
    const problems = [...a.problems, ...b.problems];
    assert(problems.length === 0, problems.join('\n'));
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('failures: after a reload, Chat lists the contact and what waits for them, queues what is written, and reconnects in one step', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const a = await enrolled(browser, url, 'Alice', 'A');
  const b = await enrolled(browser, url, 'Bob', 'B');
  try {
    await linkPages(a, b, 'sas');
    await a.page.getByTestId('sas-match').click();
    await b.page.getByTestId('sas-match').click();
    await a.page.getByTestId('verified').waitFor({ timeout: 15_000 });
    await b.page.getByTestId('verified').waitFor({ timeout: 15_000 });

    // Both reload: nothing is connected, nothing is open in Chat.
    for (const p of [a, b]) {
      await p.page.reload();
      await p.page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
      await p.page.getByRole('link', { name: 'Identity' }).click();
      await p.page.getByTestId('unlock').click();
      await p.page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 20_000 });
    }
    await a.page.getByRole('link', { name: 'Chat' }).click();
    const conversation = a.page.getByTestId('conversation');
    await conversation.waitFor({ timeout: 10_000 });
    assert(/Bob/.test(await conversation.locator('h2').innerText()), 'Chat opens the conversation with Bob, the verified contact');
    assert(await a.page.getByTestId('offline').isVisible(), 'says it is not connected');
    await a.page.getByTestId('draft').fill('written after a reload');
    await a.page.getByTestId('send').click();
    await a.page.getByTestId('msg-out').filter({ hasText: 'written after a reload' }).getByTestId('msg-status').filter({ hasText: 'waiting' }).waitFor({ timeout: 10_000 });
    await a.page.screenshot({ path: `${OUT}/failures-03-chat-after-reload.png`, fullPage: true });
    await a11y(a.page, 'chat: after a reload, offline');

    // One clear way to reach Bob again: Reconnect, then the recognised connection delivers it.
    await a.page.getByTestId('chat-reconnect').click();
    assert(/Reconnect to Bob/.test(await a.page.locator('#connect-title').innerText()), 'Connect knows whom we reconnect to');
    await b.page.getByRole('link', { name: 'Connect' }).click();
    await linkPages(a, b, 'verified');
    await b.page.getByTestId('open-chat').click();
    await b.page.getByTestId('msg-in').filter({ hasText: 'written after a reload' }).waitFor({ timeout: 15_000 });
    await a.page.getByTestId('open-chat').click();
    await a.page.getByTestId('msg-out').filter({ hasText: 'written after a reload' }).getByTestId('msg-status').filter({ hasText: 'delivered' }).waitFor({ timeout: 15_000 });
    const problems = [...a.problems, ...b.problems];
    assert(problems.length === 0, problems.join('\n'));
  } finally {
    await a.context.close();
    await b.context.close();
  }
});
