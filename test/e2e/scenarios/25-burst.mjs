// Both people typing at once, in two browsers (issue "A verified conversation that holds", item 2).
// Measured on main before the conversation layer: both pages pressing Send within 0.7 ms — one
// message each cancelled the session in 2 of 3 tries, ten each in 3 of 3; the sender's list showed
// its own messages out of order. Here both pages send ten messages at the same instant, three times
// over: no cancel, each message once on the other side in the order typed, all delivered, and each
// sender's own list in typing order.
import { assert, assertHybridHandshake, collector, connectPair } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

const N = 10;
const ROUNDS = 3;

/** At wall-clock time `at`, submits N messages as fast as the page can (no await between them). */
function burst(page, prefix, at) {
  return page.evaluate(({ prefix, at, n }) => new Promise((resolve) => {
    setTimeout(() => {
      const input = document.querySelector('[data-testid="draft"]');
      const form = input.closest('form');
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        input.value = `${prefix}${i}`;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        form.requestSubmit();
      }
      resolve(performance.now() - t0);
    }, Math.max(0, at - Date.now()));
  }), { prefix, at, n: N });
}

test('burst: two browsers send ten messages each at the same instant, three times — no cancel, each once, in order, all delivered', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const { a, b } = await connectPair(browser, url);
  await assertHybridHandshake(a.page, 'Alice');
  await assertHybridHandshake(b.page, 'Bob');
  await a.page.getByTestId('sas-match').click();
  await b.page.getByTestId('sas-match').click();
  await a.page.getByTestId('open-chat').click();
  await b.page.getByTestId('open-chat').click();

  const spreads = [];
  for (let r = 0; r < ROUNDS; r++) {
    const at = Date.now() + 300;
    const [ta, tb] = await Promise.all([burst(a.page, `a${r}-`, at), burst(b.page, `b${r}-`, at)]);
    spreads.push(Math.max(ta, tb));
  }
  const expected = (who) => Array.from({ length: ROUNDS }, (_, r) => Array.from({ length: N }, (_, i) => `${who}${r}-${i}`)).flat();
  const total = N * ROUNDS;
  for (const [page, other] of [[a.page, 'b'], [b.page, 'a']]) {
    await page.getByTestId('msg-in').nth(total - 1).waitFor({ timeout: 20_000 });
    await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid="msg-status"]')].filter((e) => /delivered/.test(e.textContent)).length === n, total, { timeout: 20_000 });
    const got = (await page.getByTestId('msg-in').allInnerTexts()).map((t) => t.replace(/^(Alice|Bob):\s*/, '').trim());
    assert(JSON.stringify(got) === JSON.stringify(expected(other)), `received once, in typing order: ${JSON.stringify(got)}`);
  }
  for (const [page, me] of [[a.page, 'a'], [b.page, 'b']]) {
    const own = (await page.getByTestId('msg-out').allInnerTexts()).map((t) => t.replace(/^You:\s*/, '').replace(/\s*delivered ✓\s*$/, '').trim());
    assert(JSON.stringify(own) === JSON.stringify(expected(me)), `own list in typing order: ${JSON.stringify(own)}`);
    assert(await page.getByTestId('cancelled').count() === 0, 'no cancel');
    assert(await page.getByTestId('offline').count() === 0, 'still connected');
  }
  console.log(`  burst: ${ROUNDS} × ${N} messages each way, sent within ${spreads.map((s) => s.toFixed(1)).join(' / ')} ms per side`);
  const problems = [...a.problems, ...b.problems];
  assert(problems.length === 0, problems.join('\n'));
  await a.context.close();
  await b.context.close();
});
