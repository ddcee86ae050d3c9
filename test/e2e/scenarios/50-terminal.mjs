// Terminal ↔ browser: `keyprint chat --json` (a child process, in the same lo-only netns) and the web
// app connect with the same compact texts, show the same SAS, both confirm, chat both ways and the
// terminal sends a file. Then the same through a real TURN server (coturn, started here on
// 127.0.0.1) with both sides relay-only: the browser set up through the Settings screen.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUT, assert, assertHybridHandshake, collector, enrolled } from '../harness.mjs';
import { browserInvitesTerminal, chatProcess, compareAndConfirm, terminalIdentity, type } from '../terminal.mjs';

const { test, tests } = collector();
export { tests };

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
    await assertHybridHandshake(a.page, 'browser ↔ terminal');
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
