// The web app talks to no one but the peer (issue #12, item 3): the built HTML has no inline
// script and carries the CSP; the server sends the security headers; the policy is enforced; a
// full enroll → connect → SAS → chat → card flow makes no request to another origin, and WebRTC
// uses no STUN/TURN server (host candidates only) unless one is configured.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assert, collector, connectPair } from '../harness.mjs';
import { instrument, instrumentedBrowser, offOrigin, peerConnections, violations } from '../probe.mjs';
import { SECURITY_HEADERS, contentSecurityPolicy } from '../../../web/security-headers.mjs';

const { test, tests } = collector();
export { tests };

const WEB_DIR = process.env.KEYPRINT_WEB_DIR ?? 'dist-web'; // what run.mjs serves

test('privacy: the built index.html has no inline script or style, and carries the CSP <meta>', async () => {
  const html = await readFile(join(WEB_DIR, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert(scripts.length > 0, 'the page loads a script');
  for (const [tag, attrs, body] of scripts) assert(/\bsrc=/.test(attrs) && body.trim() === '', `only external scripts, got ${tag}`);
  assert(!/<style\b|\sstyle=|\son[a-z]+=/i.test(html), 'no <style>, style="" or on…="" in index.html');
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/g)];
  assert(metas.length === 1 && metas[0][1] === contentSecurityPolicy({ meta: true }), `one CSP <meta>, the header's minus frame-ancestors, got ${metas.map((m) => m[1])}`);
  assert(html.indexOf('http-equiv="Content-Security-Policy"') < html.search(/<script|<link/), 'the CSP <meta> comes before any script or stylesheet');
  assert(!/https?:\/\//.test(html.replace(/<!--[\s\S]*?-->/g, '')), 'no absolute URL in index.html');
});

test('privacy: the server sends CSP, Permissions-Policy, Referrer-Policy, COOP, CORP, nosniff', async ({ url }) => {
  for (const path of ['', 'index.html', 'sw.js', 'manifest.webmanifest', 'no-such-file']) {
    const res = await fetch(url + path);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert(res.headers.get(name) === value, `${name} on /${path}: ${res.headers.get(name)}`);
  }
  const csp = SECURITY_HEADERS['content-security-policy'];
  for (const d of ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self';", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) {
    assert(csp.includes(d), `CSP has ${d}`);
  }
  assert(!/unsafe-inline|unsafe-eval'|https?:|\*/.test(csp.replace("'wasm-unsafe-eval'", '')), `no unsafe-inline/unsafe-eval/hosts/wildcards: ${csp}`);
  assert((await fetch(url + 'manifest.webmanifest')).headers.get('content-type') === 'application/manifest+json', 'manifest MIME type');
});

// eval() is not tried: code run through DevTools (page.evaluate) is exempt from script-src, so it
// would prove nothing; the header test checks that the policy has no 'unsafe-eval'.
test('privacy: the policy is enforced: other origins, inline script and style, framing are refused', async ({ browser, url }) => {
  const context = await browser.newContext();
  const log = await instrument(context, 'X');
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  const other = url.replace('//localhost:', '//127.0.0.1:'); // another origin served by the same server
  const outcome = await page.evaluate(async (other) => {
    const fetched = await fetch(other).then(() => 'fetched', () => 'refused');
    const script = document.createElement('script');
    script.textContent = 'window.__kpInline = 1';
    document.head.append(script);
    const style = document.createElement('style');
    style.textContent = 'body { outline: 1px solid red }';
    document.head.append(style);
    const img = new Image();
    const loaded = await new Promise((ok) => { img.onload = () => ok('loaded'); img.onerror = () => ok('refused'); img.src = other + 'icon.svg'; });
    await new Promise((ok) => setTimeout(ok, 100)); // violation events are queued as tasks
    return { fetched, inline: window.__kpInline === 1 ? 'ran' : 'refused', styled: getComputedStyle(document.body).outlineStyle, loaded };
  }, other);
  assert(JSON.stringify(outcome) === JSON.stringify({ fetched: 'refused', inline: 'refused', styled: 'none', loaded: 'refused' }),
    `all refused: ${JSON.stringify(outcome)}`);
  const seen = (await violations(page)).join('\n');
  for (const d of ['connect-src', 'script-src-elem', 'style-src-elem', 'img-src']) assert(seen.includes(`${d} refused`), `a ${d} violation was reported:\n${seen}`);

  // frame-ancestors 'none' (header only): a page of another origin cannot frame the app.
  const blank = await context.newPage();
  const refusal = blank.waitForEvent('console', { predicate: (m) => /frame-ancestors 'none'/.test(m.text()), timeout: 10_000 }).then(() => true, () => false);
  await blank.setContent(`<iframe src="${url}"></iframe>`);
  const framed = blank.frames().find((f) => f !== blank.mainFrame());
  assert(await refusal, 'Chromium reports the frame-ancestors refusal');
  assert(!(await framed.evaluate(() => !!document.getElementById('app')).catch(() => false)), `the app is not in the frame (${framed.url()})`);

  // The recorder sees other origins: the fetch above was refused before any request, so navigate.
  assert(offOrigin(log.requests, new URL(url).origin).some((r) => r.url.startsWith(other)), `requests to ${other} are recorded and flagged`);
  await context.close();
});

test('privacy: enroll → connect → SAS → chat → card talks to no origin but the app, WebRTC uses no STUN/TURN', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const log = { requests: [], problems: [] };
  const { a, b } = await connectPair(instrumentedBrowser(browser, log), url);
  await a.page.getByTestId('sas-match').click();
  await b.page.getByTestId('sas-match').click();
  await a.page.getByTestId('verified').waitFor({ timeout: 15_000 });
  await b.page.getByTestId('verified').waitFor({ timeout: 15_000 });
  await a.page.getByTestId('open-chat').click();
  await b.page.getByTestId('open-chat').click();
  await a.page.bringToFront();
  await a.page.getByTestId('draft').fill('nobody else is listening');
  await a.page.getByTestId('send').click();
  await b.page.getByTestId('msg-in').filter({ hasText: 'nobody else is listening' }).waitFor({ timeout: 15_000 });

  for (const [who, side] of [['Alice', a], ['Bob', b]]) {
    const pcs = await peerConnections(side.page);
    assert(pcs.length > 0, `${who} made an RTCPeerConnection`);
    for (const pc of pcs) {
      assert((pc.requested?.iceServers ?? []).length === 0 && pc.iceServers.length === 0, `${who}: no ICE servers by default, got ${JSON.stringify(pc.requested)}`);
      const local = pc.candidates.filter((c) => c.side === 'local-candidate');
      assert(local.length > 0 && local.every((c) => c.type === 'host' && c.url === null), `${who}: host candidates only, no STUN/TURN: ${JSON.stringify(local)}`);
      assert(pc.candidates.every((c) => c.address === '127.0.0.1'), `${who}: ICE stays on loopback here: ${JSON.stringify(pc.candidates)}`);
    }
  }

  await a.page.getByRole('link', { name: 'Card' }).click();
  await a.page.getByTestId('card-svg').waitFor({ timeout: 15_000 });
  await b.page.getByRole('link', { name: 'Card' }).click();
  await b.page.getByTestId('card-check').waitFor({ timeout: 15_000 });

  const origin = new URL(url).origin;
  const away = offOrigin(log.requests, origin);
  assert(away.length === 0, `requests to other origins:\n${away.map((r) => `${r.by} ${r.type} ${r.url}`).join('\n')}`);
  // The recorder did see the app's own traffic (pages and service worker), so an empty list above means something.
  const paths = new Set(log.requests.map((r) => new URL(r.url).pathname.replace(/-[\w-]{8}\./, '.')));
  for (const p of ['/', '/sw.js', '/assets/index.js', '/assets/core.wasm']) assert(paths.has(p), `recorded a request for ${p}: ${[...paths]}`);
  assert(log.requests.some((r) => /service worker/.test(r.by)), 'recorded the service worker\'s requests too');
  for (const side of [a, b]) log.problems.push(...(await violations(side.page)), ...side.problems);
  assert(log.problems.length === 0, log.problems.join('\n'));
  await a.context.close();
  await b.context.close();
});
