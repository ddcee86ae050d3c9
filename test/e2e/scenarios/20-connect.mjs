// Connect and chat: copy-paste signaling, SAS comparison, messages (needs the lo-only netns).
import { OUT, a11y, assert, collector, connectPair, linkPages, sasOf } from '../harness.mjs';


const { test, tests } = collector();
export { tests };

test('connect: copy-paste signaling, same SAS on both sides, confirm, message delivered', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const { a, b } = await connectPair(browser, url);
  // The code panel is where focus goes (issue 20 item 5).
  assert(await a.page.evaluate(() => document.activeElement?.id === 'sas-title'), `focus on the code panel, got ${await a.page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`);
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
  assert(/Compare the code with Bob/.test(await a.page.getByTestId('connect-announce').innerText()), 'the code is announced');
  await a11y(a.page, 'connect: comparing the code');
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
  await a11y(a.page, 'connect: verified');

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
  await a11y(a.page, 'chat: connected');
  await b.page.screenshot({ path: `${OUT}/connect-04-chat-bob.png`, fullPage: true });

  await a.page.getByRole('link', { name: 'Contacts' }).click();
  await a.page.getByTestId('contacts').filter({ hasText: 'Bob' }).waitFor({ timeout: 5_000 });
  await a.page.screenshot({ path: `${OUT}/connect-05-contacts-alice.png`, fullPage: true });
  await a11y(a.page, 'contacts: one verified');

  const problems = [...a.problems, ...b.problems];
  assert(problems.length === 0, problems.join('\n'));
  await a.context.close();
  await b.context.close();
});

test('connect: "They don\'t match" cancels the session on both sides, says who said so, and "Start over" connects again', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const { a, b } = await connectPair(browser, url);
  await b.page.getByTestId('sas-mismatch').click();
  await b.page.getByTestId('cancelled').waitFor({ timeout: 15_000 });
  await a.page.getByTestId('cancelled').waitFor({ timeout: 15_000 });
  const said = async (p) => (await p.getByTestId('cancel-reason').innerText()).trim();
  assert(/^You said the codes do not match, so the connection was closed: someone may be in the middle\. Start over/.test(await said(b.page)), `Bob is told he said so: ${await said(b.page)}`);
  assert(/^The other side said the codes do not match, so the connection was closed/.test(await said(a.page)), `Alice is told the other side said so: ${await said(a.page)}`);
  assert(await a.page.getByTestId('cancelled').getAttribute('data-cause') === 'sas-mismatch', 'cause: sas-mismatch');
  assert(await a.page.evaluate(() => document.activeElement?.id === 'connect-title'), 'focus on the "Not connected" heading');
  await a11y(a.page, 'connect: codes did not match');
  await a.page.getByRole('link', { name: 'Contacts' }).click();
  assert(await a.page.getByText('No verified contacts yet.').isVisible(), 'nobody stored as verified');
  await a.page.getByRole('link', { name: 'Connect' }).click();
  await a.page.screenshot({ path: `${OUT}/connect-06-mismatch.png`, fullPage: true });
  // The way out works: both start over and reach the code again.
  await a.page.getByTestId('start-over').click();
  await b.page.getByTestId('start-over').click();
  await linkPages(a, b, 'sas');
  const problems = [...a.problems, ...b.problems];
  assert(problems.length === 0, problems.join('\n'));
  await a.context.close();
  await b.context.close();
});
