// The README's exit-code table, one class at a time, through the real command line (tsx from
// source): 0 done or verified; 1 a real card or identity that does not verify; 2 no verdict — usage,
// input that is not what the command reads (not a keyprint card, an unreadable image, a wrong digit
// count), a file that cannot be written. And with --json, every command's error is one
// {"error":{"code","message"}} object on stdout, nothing on stderr.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ready } from '../../src/core/index.js';
import { createCard, qrMatrix, renderPdf, renderPng, renderSvg, type Card } from '../../src/card/node.js';
import { chromiumIdentity } from '../card/_fixtures.js';
import { IdentityKeyPair, encodeBundle, signBundle } from '../../src/identity/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run { status: number | null; stdout: string; stderr: string }

/** Runs the CLI from source with a hard 60 s kill. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, KEYPRINT_HOME: join(dir, 'none'), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
    child.stdin.end();
  });
}

let dir: string;
let card: Card;
const f = (name: string) => join(dir, name);

beforeAll(async () => {
  await ready();
  dir = mkdtempSync(join(tmpdir(), 'kp-exit-'));
  const c = chromiumIdentity({ displayName: 'Grace Hopper' });
  card = await createCard(c.bundle, { identity: c.identity, registrationClientDataJSON: c.registrationClientDataJSON });
  writeFileSync(f('grace.png'), renderPng(card));
  const svg = renderSvg(card);
  writeFileSync(f('grace.svg'), svg);
  writeFileSync(f('truncated.svg'), svg.slice(0, Math.floor(svg.length / 2)));
  const url = new TextEncoder().encode('https://example.org/not-a-card');
  writeFileSync(f('url.png'), renderPng({ ...card, payload: url, qr: qrMatrix(url) }));
  writeFileSync(f('random.bin'), Uint8Array.from({ length: 200 }, (_, i) => (i * 151 + 7) & 255));
  writeFileSync(f('broken.png'), readFileSync(f('grace.png')).subarray(0, 400));
  writeFileSync(f('sheet.png'), renderPng(card, { layout: 'a4' }));
  const party = IdentityKeyPair.generate();
  writeFileSync(f('party.bundle'), encodeBundle(signBundle({ displayName: 'Zoë 李雷 🎉', identityPublicKey: party.publicKey, createdAt: Date.UTC(2026, 0, 1), binding: null }, party)));
  writeFileSync(f('sheet.pdf'), await renderPdf(card, { layout: 'a4' }));
}, 60_000);

afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const wrongDigits = () => (card.digits[0] === '9' ? '0' : String(Number(card.digits[0]) + 1)) + card.digits.slice(1);

describe('exit codes (README "Exit codes")', () => {
  it('0: a card that verifies', async () => {
    const r = await cli(['verify', f('grace.png'), '--digits', card.digits]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);

  it('1: a real card that does not verify (its printed digits differ from its QR code)', async () => {
    const r = await cli(['verify', f('grace.png'), '--digits', wrongDigits()]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^NOT VERIFIED \(Grace Hopper, did:key:\S+\): printed-text: printed digit group 1 differs/);
  }, 60_000);

  it.each([
    ['random bytes', () => ['verify', f('random.bin')], /^keyprint: not a keyprint card: it holds 200 bytes of something else \[not-a-card\]\n$/],
    ['a QR code of a web address', () => ['verify', f('url.png')], /^keyprint: not a keyprint card: it holds the text "https:\/\/example\.org\/not-a-card" \[not-a-card\]\n$/],
    ['five digits typed', () => ['verify', f('grace.png'), '--digits', '12345'], /^keyprint: verify: "--digits" expected 30 digits, got 5\n/],
    ['twelve words typed', () => ['verify', f('grace.png'), '--words', card.words.slice(1).join(' ')], /^keyprint: verify: "--words" expected the 13 printed words, got 12\n/],
    ['a truncated SVG', () => ['verify', f('truncated.svg')], /^keyprint: the SVG does not render: .* \[image-unreadable\]\n$/],
    ['a truncated PNG', () => ['verify', f('broken.png')], /\[image-unreadable\]\n$/],
    ['an unknown flag', () => ['verify', f('grace.png'), '--digts', '1'], /^keyprint: verify: Unknown option '--digts'/],
    ['card --out x.jpg', () => ['card', '--out', f('x.jpg')], /^keyprint: card: "--out" expected a file ending in \.svg, \.pdf or \.png, got "\.jpg" \(keyprint does not write JPG\)\n/],
    ['card --format svg --out x.png', () => ['card', '--format', 'svg', '--out', f('x.png')], /^keyprint: card: "--format svg" and "--out …\.png" disagree: name the file \.svg, or drop --format\n/],
    ['card --out in a directory that does not exist', () => ['card', '--out', '/nonexistent/dir/card.png'], /^keyprint: cannot write \/nonexistent\/dir\/card\.png: ENOENT \[output\]\n$/],
    ['contacts add without typed digits', () => ['contacts', 'add', f('grace.png'), '--home', f('h')], /\[printed-text-not-compared\]\n$/],
    // Issue 20 item 9: a name no card font draws is refused with its characters — enroll before the key is touched.
    ['enroll with a name a card cannot print', () => ['enroll', '--name', 'Zoë 李雷 🎉', '--device', 'udp:127.0.0.1:9', '--home', f('party-home')],
      /^keyprint: enroll: "--name" "Zoë 李雷 🎉" cannot be printed on a card: no font here draws 🎉 \(U\+1F389\)\. Leave it out of the name\n/],
    ['card for such a name', () => ['card', '--bundle', f('party.bundle'), '--out', f('party.pdf')], /cannot be printed on a card: no font here draws 🎉 \(U\+1F389\).* \[unprintable\]\n$/],
  ])('2: %s', async (_, args, stderr) => {
    const r = await cli(args());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr).not.toMatch(/unexpected error|\bat .*\.[jt]s:\d+/);
  }, 60_000);
});

describe('verify an A4 sheet (issue 20 item 8)', () => {
  it('every card, one line each (PNG and PDF); --index N picks one; --json lists them', async () => {
    for (const file of ['sheet.png', 'sheet.pdf']) {
      const r = await cli(['verify', f(file), '--digits', card.digits]);
      expect(r.status).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(10);
      lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^card ${i + 1} of 10: VERIFIED: Grace Hopper did:key:`)));
    }
    const one = await cli(['verify', f('sheet.png'), '--index', '3', '--digits', card.digits]);
    expect(one.status).toBe(0);
    expect(one.stdout).toMatch(/^VERIFIED: Grace Hopper did:key:\S+ — .*; printed fingerprint matches\n$/);
    const j = JSON.parse((await cli(['verify', f('sheet.png'), '--json'])).stdout);
    expect(j.sheet).toBe(true);
    expect(j.cards.map((c: { index: number; verified: boolean }) => [c.index, c.verified])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => [i, true]));
    const bad = await cli(['verify', f('sheet.png'), '--index', '11']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/"--index" expected a card number from 1 to 10, got "11"/);
    const wrong = await cli(['verify', f('sheet.png'), '--digits', wrongDigits()]);
    expect(wrong.status).toBe(1);
  }, 120_000);
});

describe('--json errors: one {"error":{"code","message"}} object on stdout, nothing else', () => {
  it.each([
    ['verify (not a card)', () => ['verify', f('random.bin'), '--json'], 'not-a-card', 2],
    ['verify (bad flag)', () => ['verify', '--json', '--digits', '123'], 'usage', 2],
    ['card', () => ['card', '--out', f('x.jpg'), '--json'], 'usage', 2],
    ['enroll (no name)', () => ['enroll', '--json'], 'usage', 2],
    ['enroll (no security key)', () => ['enroll', '--name', 'Ada', '--device', 'udp:127.0.0.1:9', '--home', f('e'), '--json'], 'not-found', 2],
    ['unlock (no identity)', () => ['unlock', '--home', f('empty'), '--json'], 'no-identity', 2],
    ['whoami (no identity)', () => ['whoami', '--home', f('empty'), '--json'], 'no-identity', 2],
    ['chat start (no identity)', () => ['chat', '--home', f('empty'), '--json'], 'no-identity', 2],
    ['contacts remove (nobody)', () => ['contacts', 'remove', 'Nobody', '--home', f('empty'), '--json'], 'no-contact', 2],
    ['safety-number (a card that does not verify)', () => ['safety-number', f('grace.png'), f('url.png'), '--json'], 'not-a-card', 2],
  ])('%s', async (_, args, code, status) => {
    const r = await cli(args());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(status);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]);
    expect(Object.keys(j)).toEqual(['error']);
    expect(Object.keys(j.error)).toEqual(['code', 'message']);
    expect(j.error.code).toBe(code);
    expect(j.error.message.length).toBeGreaterThan(10);
  }, 60_000);
});
