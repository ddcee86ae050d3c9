// Helpers for the e2e scenarios that put `keyprint chat` (a child process in the same lo-only netns)
// opposite the web app: an identity on the software authenticator, a `--json` chat process driven
// line by line, and the browser-invites-terminal exchange.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const keyprint = (args, opts) => spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, ...opts });

/** The software authenticator (`keyprint emulator`) and an identity enrolled on it. */
export async function terminalIdentity(name) {
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
export function chatProcess(args) {
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
export const type = (t) => (e) => e.type === t;

/** The browser invites, the terminal answers; resolves when both show the SAS. */
export async function browserInvitesTerminal(page, term) {
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
export async function compareAndConfirm(page, term, sas) {
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

