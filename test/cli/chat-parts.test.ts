// The pure parts of `keyprint chat`: the terminal QR code (read back by the same QR reader the web
// app uses) and received-file names chosen by the peer (no traversal, no overwrite). Pasted texts:
// test/session/signaling.test.ts (readSignal, the one wording of both apps).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readQr } from '../../src/card/node.js';
import { saveReceivedFile } from '../../src/cli/_chat-files.js';
import { terminalQr } from '../../src/cli/_chat-qr.js';

const SIGNAL = 'AQAEbk0wMBZSZHNOVnJYMGM3dnhBMExPeTJTd25QZmLXmaL0oucXXXUA-Nuxs0MHfA2HldUKjYVLEgueFK4BBH8AAAHUhQ';

/** Rasterises half-block text: each character cell is 1 module wide and 2 tall, `scale` px per module. */
function raster(text: string, scale = 4) {
  const rows = text.split('\n');
  const w = rows[0].length, h = rows.length * 2, margin = 4;
  const W = (w + 2 * margin) * scale, H = (h + 2 * margin) * scale;
  const data = new Uint8Array(W * H * 4).fill(255);
  rows.forEach((row, r) => [...row].forEach((ch, x) => {
    for (const [half, dark] of [[0, ch === '▀' || ch === '█'], [1, ch === '▄' || ch === '█']] as const) {
      if (!dark) continue;
      for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) {
        const i = (((2 * r + half + margin) * scale + dy) * W + (x + margin) * scale + dx) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
    }
  }));
  return { width: W, height: H, data };
}

describe('terminal QR code', () => {
  it('half blocks that a QR reader decodes back to the signal text', () => {
    const qr = terminalQr(SIGNAL);
    const rows = qr.split('\n');
    expect(new Set(qr.replace(/\n/g, ''))).toEqual(new Set([' ', '▀', '▄', '█']));
    expect(rows.every((r) => r.length === rows[0].length)).toBe(true);
    expect(rows.length).toBe(Math.ceil(rows[0].length / 2));
    expect(rows[0].length).toBeLessThanOrEqual(41 + 4); // 95 characters fit QR version ≤ 6 at level L
    expect(new TextDecoder().decode(readQr(raster(qr)))).toBe(SIGNAL);
    // Inverted (for light-on-dark terminals): every cell flips, except the last row's lower half,
    // which lies below the quiet zone (the side is odd) and stays blank.
    const inv = terminalQr(SIGNAL, { invert: true }).split('\n');
    const flip: Record<string, string> = { ' ': '█', '█': ' ', '▀': '▄', '▄': '▀' };
    expect(inv.slice(0, -1)).toEqual(rows.slice(0, -1).map((r) => [...r].map((c) => flip[c]).join('')));
    expect(inv.at(-1)).toBe('▀'.repeat(rows[0].length));
  });
});

describe('received files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-chat-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The name rule itself (safeFileName) is tested with the session layer: test/session/file-name.test.ts.
  it('never overwrites and never leaves the directory', async () => {
    writeFileSync(join(dir, 'a.txt'), 'mine');
    const p1 = await saveReceivedFile(dir, '../a.txt', new Uint8Array([1]));
    const p2 = await saveReceivedFile(dir, 'a.txt', new Uint8Array([2]));
    expect([p1, p2]).toEqual([join(dir, 'a (1).txt'), join(dir, 'a (2).txt')]);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(dir).sort()).toEqual(['a (1).txt', 'a (2).txt', 'a.txt']);
    // The download directory is a file: a typed error, not a crash.
    await expect(saveReceivedFile(join(dir, 'a.txt'), 'x', new Uint8Array(1))).rejects.toMatchObject({ code: 'file-io' });
  });
});


describe('chat text output: contacts remembered across runs', () => {
  const codes = { emoji: [{ emoji: '🐶', name: 'Dog' }], words: ['a', 'b'], numbers: [1, 2, 3] as [number, number, number] };
  it('a recognised contact says how and when it was verified; a warning is the layer\'s sentence after WARNING', async () => {
    const { render } = await import('../../src/cli/chat.js');
    expect(render({ type: 'recognized', peer: { name: 'Bob', did: 'did:key:z6MkB' }, verifiedBy: 'card', verifiedAt: '2026-01-02T03:04:05.000Z', ...codes }, false))
      .toMatch(/^Bob is the contact you verified with their printed card on 2026-01-02 \(same identity key\)/);
    expect(render({ type: 'recognized', peer: { name: 'Bob', did: 'did:key:z6MkB', presentsAs: 'Robert' }, verifiedBy: 'sas', verifiedAt: '2026-11-26T00:00:00.000Z', ...codes }, false))
      .toMatch(/^Bob \(presents itself as "Robert"\) is the contact you verified by comparing the code on 2026-11-26/);
    const text = 'Bob\'s key has changed: …';
    expect(render({ type: 'key-changed', kind: 'key-changed', text, peer: { name: 'Bob', did: 'did:key:z6MkNew' }, previous: { name: 'Bob', did: 'did:key:z6MkOld', verifiedBy: 'sas', verifiedAt: '2026-03-04T05:06:07.000Z' } }, false))
      .toBe(`WARNING: ${text}`);
    expect(render({ type: 'outbox', pending: 2, peers: ['did:key:z6MkB'] }, false)).toBe('2 messages from an earlier run wait in your outbox: sent when you reconnect with did:key:z6MkB.');
  });
});
