// Terminal ↔ browser: `keyprint chat --json` (a child process, in the same lo-only netns) and the web
// app connect with the same compact texts, show the same SAS, both confirm, chat both ways and the
// terminal sends a file. Then the same through a real TURN server (coturn, started here on
// 127.0.0.1) with both sides relay-only: the browser set up through the Settings screen.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUT, assert, collector, enrolled } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

const root = fileURLToPath(new URL('../../..', import.meta.url));
const keyprint = (args, opts) => spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, ...opts });

/** The software authenticator (`keyprint emulator`) and an identity enrolled on it. */
async function terminalIdentity(name) {
  const home = mkdtempSync(join(tmpdir(), 'kp-e2e-term-'));
  const emulator = keyprint(['emulator', '--udp', '127.0.0.1:0']);
  const port = await new Promise((resolve, reject) => {
    let out = '';
    emulator.stdout.on('data', (d) => { out += d; const m = /listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    emulator.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  const device = `udp:127.0.0.1:${port}`;
  const enroll = keyprint(['enroll', '--name', name, '--device', device, '--home', home, '--json']);
  let out = '';
  enroll.stdout.on('data', (d) => { out += d; });
  const code = await new Promise((r) => enroll.on('exit', r));
  assert(code === 0, `keyprint enroll exited ${code}`);
  return { home, device, did: JSON.parse(out).did, close: () => { emulator.kill(); rmSync(home, { recursive: true, force: true }); } };
}

/** `keyprint chat --json`: events parsed line by line; `next(pred)` waits for the next matching one. */
function chatProcess(args) {
  const child = keyprint(['chat', '--json', ...args]);
  const events = [];
  let seen = 0, buf = '', stderr = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { events.push(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); }
  });
  child.stderr.on('data', (d) => { stderr += d; });
  return {
    child,
    send: (line) => child.stdin.write(`${line}\n`),
    async next(pred, what, ms = 20_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        while (seen < events.length) {
          const e = events[seen++];
          if (pred(e)) return e;
          if (e.type === 'error') throw new Error(`terminal, waiting for ${what}: ${JSON.stringify(e)}`);
        }
        if (child.exitCode !== null) throw new Error(`terminal exited ${child.exitCode} waiting for ${what}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`terminal: timed out waiting for ${what}; last events ${JSON.stringify(events.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async quit() {
      if (child.exitCode === null) child.stdin.write('/quit\n');
      const code = await Promise.race([new Promise((r) => child.on('exit', r)), new Promise((r) => setTimeout(() => r('timeout'), 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      return code;
    },
  };
}
const type = (t) => (e) => e.type === t;

/** The candidates of a signal text, read from its binary form (docs/PROTOCOL.md "Compact signaling"). */
function candidatesOf(text) {
  const b = Buffer.from(text, 'base64url');
  let i = 2;
  i += 1 + b[i]; // ufrag
  i += 1 + b[i]; // pwd
  i += 32; // fingerprint
  const out = [];
  for (let n = b[i++]; n > 0; n--) {
    const kind = b[i++];
    i += (kind & 0x0f) === 4 ? 4 : 16;
    out.push({ kind, port: b.readUInt16BE(i) });
    i += 2;
  }
  return out;
}

/** The browser invites, the terminal answers; resolves when both show the SAS. */
async function browserInvitesTerminal(page, term) {
  await page.getByTestId('create-offer').click();
  const offer = (await page.getByTestId('signal-out').inputValue({ timeout: 15_000 })).trim();
  term.send(`/accept ${offer}`);
  const answer = (await term.next(type('signal'), 'answer')).text;
  await page.getByTestId('answer-in').fill(answer);
  await page.getByTestId('accept-answer').click();
  const sas = await term.next(type('sas'), 'SAS');
  await page.getByTestId('sas').waitFor({ timeout: 20_000 });
  return { offer, answer, sas };
}

/** Both see the same emoji (glyphs and names), words and numbers; both confirm. */
async function compareAndConfirm(page, term, sas) {
  const shown = (await page.getByTestId('sas-emoji').innerText()).replace(/\s+/g, ' ').trim();
  const expected = sas.emoji.map((e) => `${e.emoji} ${e.name}`).join(' ');
  assert(shown === expected, `same emoji SAS: browser ${JSON.stringify(shown)}, terminal ${JSON.stringify(expected)}`);
  await page.getByText('Words', { exact: true }).click();
  assert((await page.getByTestId('sas-words').innerText()).trim() === sas.words.join(' '), 'same words');
  await page.getByText('Numbers', { exact: true }).click();
  assert((await page.getByTestId('sas-numbers').innerText()).trim() === sas.numbers.join(' '), 'same numbers');
  await page.getByText('Emoji', { exact: true }).click();
  await page.getByTestId('sas-match').click();
  term.send('/verify');
  await term.next(type('confirmed'), 'confirmed');
  await page.getByTestId('verified').waitFor({ timeout: 15_000 });
}

test('terminal: keyprint chat ↔ web app — same SAS, messages both ways, a file from the terminal', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const [term, a] = await Promise.all([terminalIdentity('Terminal Tess'), enrolled(browser, url, 'Alice', 'A')]);
  const chat = chatProcess(['--home', term.home, '--device', term.device, '--bind', '127.0.0.1']);
  try {
    await chat.next(type('ready'), 'unlock');
    const t0 = Date.now();
    const { sas } = await browserInvitesTerminal(a.page, chat);
    const connectMs = Date.now() - t0;
    assert(sas.peer.did === a.did, `terminal sees Alice's did:key: ${sas.peer.did}`);
    await compareAndConfirm(a.page, chat, sas);
    assert((await a.page.getByTestId('verified').innerText()).includes('Terminal Tess'), 'Alice verified the terminal user');
    await a.page.screenshot({ path: `${OUT}/terminal-01-verified.png`, fullPage: true });

    await a.page.getByTestId('open-chat').click();
    await a.page.getByTestId('draft').fill('hello terminal');
    await a.page.getByTestId('send').click();
    assert((await chat.next(type('message'), 'message from the browser')).text === 'hello terminal', 'terminal got the message');
    await a.page.getByTestId('msg-status').filter({ hasText: 'delivered' }).waitFor({ timeout: 15_000 });
    chat.send('hello browser, from the terminal');
    const out = await chat.next(type('sending'), 'sending');
    await a.page.getByTestId('msg-in').filter({ hasText: 'hello browser, from the terminal' }).waitFor({ timeout: 15_000 });
    await chat.next((e) => e.type === 'status' && e.id === out.id && e.status === 'delivered', 'delivered');

    const file = join(term.home, 'report.txt');
    writeFileSync(file, 'a file sent from keyprint chat\n'.repeat(200));
    chat.send(`/file ${file}`);
    await a.page.getByTestId('file-download').filter({ hasText: 'report.txt' }).waitFor({ timeout: 20_000 });
    await a.page.screenshot({ path: `${OUT}/terminal-02-chat.png`, fullPage: true });
    console.log(`  terminal ↔ browser: invite → SAS on both sides in ${connectMs} ms`);
    assert(a.problems.length === 0, a.problems.join('\n'));
  } finally {
    await chat.quit();
    await a.context.close();
    term.close();
  }
});

test('terminal: relay-only through coturn — browser (Settings) and terminal (--relay-only) meet via TURN', async ({ browser, url, netns }) => {
  if (!netns) return 'skipped (needs a lo-only network namespace: run as root with iproute2)';
  const which = spawnSync('sh', ['-c', 'command -v turnserver'], { encoding: 'utf8' });
  if (which.status !== 0) {
    if (process.env.CI) throw new Error('coturn (turnserver) is required on CI: .ci/run installs it');
    return 'skipped (turnserver not installed: apt-get install coturn)';
  }
  const port = await new Promise((resolve) => { const s = createSocket('udp4'); s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  const dir = mkdtempSync(join(tmpdir(), 'kp-e2e-turn-'));
  const turn = spawn(which.stdout.trim(), ['-n', '--no-cli', '--lt-cred-mech', '--user', 'u:p', '--realm', 'keyprint', '--listening-ip', '127.0.0.1',
    '--relay-ip', '127.0.0.1', '--listening-port', String(port), '--min-port', '52000', '--max-port', '52999', '--allow-loopback-peers', '--no-tls',
    '--no-dtls', '--no-tcp-relay', '--log-file', join(dir, 'turn.log'), '--no-stdout-log', '--simple-log', '--verbose', '--pidfile', join(dir, 'pid'),
    '--userdb', join(dir, 'db')], { stdio: 'ignore' });
  // A log file: coturn's stdout into a pipe is block-buffered (lines late or lost).
  const turnLog = () => { try { return readFileSync(join(dir, 'turn.log'), 'utf8'); } catch { return ''; } };
  const listening = async () => {
    for (const deadline = Date.now() + 10_000; !/listener opened on\s*:\s*127\.0\.0\.1/.test(turnLog()); await new Promise((r) => setTimeout(r, 50))) {
      if (Date.now() > deadline || turn.exitCode !== null) throw new Error(`turnserver did not start: ${turnLog().slice(-1000)}`);
    }
  };
  const [term, a] = await Promise.all([terminalIdentity('Terminal Tess'), enrolled(browser, url, 'Alice', 'A'), listening()]);
  const chat = chatProcess(['--home', term.home, '--device', term.device, '--bind', '127.0.0.1', '--relay-only', '--ice', `turn:u:p@127.0.0.1:${port}`]);
  try {
    await a.page.getByRole('link', { name: 'Settings' }).click();
    await a.page.getByTestId('ice-url').fill(`turn:127.0.0.1:${port}?transport=udp`);
    await a.page.getByTestId('ice-username').fill('u');
    await a.page.getByTestId('ice-credential').fill('p');
    await a.page.getByTestId('ice-add').click();
    await a.page.getByTestId('ice-list').filter({ hasText: `turn:127.0.0.1:${port}` }).waitFor({ timeout: 5_000 });
    await a.page.getByTestId('relay-only').check();
    assert(await a.page.getByTestId('relay-only').isChecked(), 'relay-only switched on');
    await a.page.screenshot({ path: `${OUT}/terminal-03-settings-turn.png`, fullPage: true });
    await a.page.getByRole('link', { name: 'Connect' }).click();

    await chat.next(type('ready'), 'unlock');
    const t0 = Date.now();
    const { offer, answer, sas } = await browserInvitesTerminal(a.page, chat);
    const connectMs = Date.now() - t0;
    for (const text of [offer, answer]) {
      const cands = candidatesOf(text);
      assert(cands.length > 0 && cands.every((c) => c.kind === 0x24 && c.port >= 52000 && c.port <= 52999), `only relayed candidates (kind 0x24) in coturn's range: ${JSON.stringify(cands)}`);
    }
    await compareAndConfirm(a.page, chat, sas);
    await a.page.getByTestId('open-chat').click();
    await a.page.getByTestId('draft').fill('via the relay');
    await a.page.getByTestId('send').click();
    assert((await chat.next(type('message'), 'message via TURN')).text === 'via the relay', 'terminal got the relayed message');
    await a.page.getByTestId('msg-status').filter({ hasText: 'delivered' }).waitFor({ timeout: 15_000 });
    const log = turnLog();
    const sessions = new Set([...log.matchAll(/session (\d+): realm <keyprint> user <u>: incoming packet ALLOCATE processed, success/g)].map((m) => m[1]));
    const permitted = new Set([...log.matchAll(/session (\d+): realm <keyprint> user <u>: incoming packet CREATE_PERMISSION processed, success/g)].map((m) => m[1]));
    assert(sessions.size >= 2 && permitted.size >= 2, `coturn allocated and permitted for both peers: ${sessions.size} allocations, ${permitted.size} with permissions`);
    console.log(`  relay-only via coturn: invite → SAS in ${connectMs} ms; ${sessions.size} TURN allocations`);
    assert(a.problems.length === 0, a.problems.join('\n'));
  } finally {
    await chat.quit();
    await a.context.close();
    term.close();
    turn.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
